import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { TestChannel } from '../support/channel.ts';
import { wire } from '../support/http.ts';
import { createProfile } from '../support/profiles.ts';
import { addStorageDevice, runCommand, startDevice } from '../support/storage-devices.ts';
import { finalize, requestDownload, reserve } from '../support/data-tokens.ts';
import { postStream } from '../support/stream-crypto.ts';
import { median, round, sampleCount, spread } from './bench-stats.ts';
import { readBaseline, removeBaselineFiles, writeBaseline } from './disk-baselines.ts';

/**
 * npm run bench:transfer -- [--mib 1024] [--samples 3]
 * Stores then retrieves an N MiB payload through the upstream and downstream URLs of a real
 * engine process with three local storage devices, and measures on the same disk, interleaved
 * with it round by round, what that work costs at the least (disk-baselines.ts): a store against
 * the write baseline (AES-256-GCM, three fsynced copies), a retrieve — download saved to a file
 * and fsynced — against the read baseline (one copy read, decrypted, written out and fsynced).
 * Each ratio is the median of the rounds' own ratios, with their spread.
 */
const { values } = parseArgs({
  options: { mib: { type: 'string', default: '1024' }, samples: { type: 'string' } },
});
const mib = Number(values.mib);
if (!Number.isInteger(mib) || mib < 1) throw new Error('--mib takes a whole number of MiB');
const samples = sampleCount(values.samples);
const PIECE = 1024 * 1024;
const piece = randomBytes(PIECE);

/** N MiB of payload without holding it: one random MiB, each copy stamped with its index. */
function* payload(): Generator<Buffer> {
  for (let i = 0; i < mib; i++) {
    const copy = Buffer.from(piece);
    copy.writeUInt32BE(i, 0);
    yield copy;
  }
}

/** Peak resident set of a process, from the kernel (VmHWM). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Downloads into `path` and fsyncs it, as a client saving the file would; returns the bytes. */
function downloadToFile(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`download answered ${res.statusCode}`));
        return;
      }
      void (async () => {
        const file = await open(path, 'w');
        let bytes = 0;
        try {
          for await (const chunk of res) {
            bytes += (chunk as Buffer).length;
            await file.write(chunk as Buffer);
          }
          await file.sync();
        } finally {
          await file.close();
        }
        return bytes;
      })().then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
}

interface EngineBench {
  sample(round: number): Promise<{ storeSeconds: number; retrieveSeconds: number }>;
  peakRssMb(): number;
  stop(): Promise<void>;
}

async function startEngineBench(work: string): Promise<EngineBench> {
  const engine = await spawnEngine(tempDir('privicore-bench-engine-'));
  const devices: Awaited<ReturnType<typeof startDevice>>[] = [];
  const channel = await TestChannel.open(engine.wsUrl);
  const stop = async () => {
    channel.close();
    for (const device of devices) await device.stop();
    engine.child.kill('SIGTERM');
    await engine.exited;
  };
  try {
    const api = wire(engine.apiUrl);
    const profile = await createProfile(api);
    await channel.join(profile.token);
    for (let i = 1; i <= 3; i++) {
      const { bundle } = await addStorageDevice(api, profile.token, `Bench device ${i}`);
      devices.push(await startDevice(bundle, tempDir('privicore-bench-device-')));
    }
    return {
      async sample(round) {
        const reservation = await reserve(api, profile.token, { context: '/bench', ttl: '60' });
        const storeStart = performance.now();
        const posted = await postStream(reservation.stream, payload());
        if (posted.status !== 202)
          throw new Error(`upstream answered ${posted.status}: ${JSON.stringify(posted.body)}`);
        const stored = await channel.commandOutcome(
          String(posted.headers['x-dpt-cab-id']),
          600_000,
        );
        const storeSeconds = (performance.now() - storeStart) / 1000;
        if (stored.data!.command_status !== 2)
          throw new Error(`store rejected: ${String(stored.data!.body)}`);
        const dataToken = await finalize(api, profile.token, reservation.token, {
          fileName: `bench-${round}`,
          size: String(mib * PIECE),
        });

        const output = join(work, `retrieved-${round}.bin`);
        const retrieveStart = performance.now();
        const url = await requestDownload(api, channel, profile.token, dataToken);
        const received = await downloadToFile(url, output);
        const retrieveSeconds = (performance.now() - retrieveStart) / 1000;
        if (received !== mib * PIECE)
          throw new Error(`retrieved ${received} of ${mib * PIECE} bytes`);
        await rm(output);
        // The devices' copies go too, so rounds do not fill the disk.
        const removed = await runCommand(
          api,
          '/data-token/delete-data',
          { token: dataToken },
          profile.token,
        );
        if (removed.outcome !== 'succeeded') throw new Error('delete-data rejected');
        return { storeSeconds, retrieveSeconds };
      },
      peakRssMb: () => peakRssMb(engine.child.pid!),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const work = tempDir('privicore-bench-transfer-');
const engine = await startEngineBench(work);
const rounds: {
  store: number;
  retrieve: number;
  write: number;
  read: number;
}[] = [];
let peakRss = 0;
try {
  for (let round = 1; round <= samples; round++) {
    // Interleaved, so a machine that slows down mid-run slows both sides of each ratio alike.
    const ours = await engine.sample(round);
    peakRss = Math.max(peakRss, engine.peakRssMb());
    const written = await writeBaseline(payload, work);
    const output = join(work, 'baseline-output.bin');
    const readSeconds = await readBaseline(written.copy, output);
    await removeBaselineFiles(written.copy, output);
    rounds.push({
      store: mib / ours.storeSeconds,
      retrieve: mib / ours.retrieveSeconds,
      write: mib / written.seconds,
      read: mib / readSeconds,
    });
  }
} finally {
  await engine.stop().catch(() => undefined);
  await rm(work, { recursive: true, force: true });
}

const storeRatios = rounds.map((r) => r.store / r.write);
const retrieveRatios = rounds.map((r) => r.retrieve / r.read);
const med = (key: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[key]));
const mibs = (values: number[]) => values.map((v) => round(v, 1)).join(', ');
console.log(`payload ${mib} MiB, three local storage devices, ${samples} interleaved rounds`);
console.log(`engine store     ${mibs(rounds.map((r) => r.store))} MiB/s`);
console.log(
  `write baseline   ${mibs(rounds.map((r) => r.write))} MiB/s (AES-256-GCM + three fsynced copies)`,
);
console.log(`engine retrieve  ${mibs(rounds.map((r) => r.retrieve))} MiB/s (saved and fsynced)`);
console.log(
  `read baseline    ${mibs(rounds.map((r) => r.read))} MiB/s (one copy read, decrypted, written out and fsynced)`,
);
console.log(
  `store ratio ${round(median(storeRatios), 3)} [${spread(storeRatios, 3).join('–')}], retrieve ratio ${round(median(retrieveRatios), 3)} [${spread(retrieveRatios, 3).join('–')}], engine peak RSS ${round(peakRss, 1)} MB`,
);
console.log(
  JSON.stringify({
    bench: 'transfer',
    mib,
    samples,
    storeMiBs: round(med('store'), 1),
    writeBaselineMiBs: round(med('write'), 1),
    storeRatio: round(median(storeRatios), 3),
    storeRatioSpread: spread(storeRatios, 3),
    retrieveMiBs: round(med('retrieve'), 1),
    readBaselineMiBs: round(med('read'), 1),
    retrieveRatio: round(median(retrieveRatios), 3),
    retrieveRatioSpread: spread(retrieveRatios, 3),
    peakRssMb: round(peakRss, 1),
  }),
);
