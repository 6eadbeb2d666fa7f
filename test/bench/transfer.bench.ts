import { createCipheriv, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { TestChannel } from '../support/channel.ts';
import { wire } from '../support/http.ts';
import { createProfile } from '../support/profiles.ts';
import { addStorageDevice, startDevice } from '../support/storage-devices.ts';
import { finalize, requestDownload, reserve } from '../support/data-tokens.ts';
import { postStream } from '../support/stream-crypto.ts';
import { round } from './bench-stats.ts';

/**
 * npm run bench:transfer -- [--mib 1024]
 * Stores then retrieves an N MiB payload through the upstream and downstream URLs of a real
 * engine process with three local storage devices, and measures, in the same run on the same
 * disk, the least that work could cost: AES-256-GCM over the bytes, three copies written and
 * fsynced, one read back.
 */
const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' } } });
const mib = Number(values.mib);
if (!Number.isInteger(mib) || mib < 1) throw new Error('--mib takes a whole number of MiB');
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

function drain(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function engineRun(): Promise<{
  storeMiBs: number;
  retrieveMiBs: number;
  peakRssMb: number;
}> {
  const engine = await spawnEngine(tempDir('privicore-bench-engine-'));
  const devices: Awaited<ReturnType<typeof startDevice>>[] = [];
  const channel = await TestChannel.open(engine.wsUrl);
  try {
    const api = wire(engine.apiUrl);
    const profile = await createProfile(api);
    await channel.join(profile.token);
    for (let i = 1; i <= 3; i++) {
      const { bundle } = await addStorageDevice(api, profile.token, `Bench device ${i}`);
      devices.push(await startDevice(bundle, tempDir('privicore-bench-device-')));
    }
    const reservation = await reserve(api, profile.token, { context: '/bench', ttl: '60' });

    const storeStart = performance.now();
    const posted = await postStream(reservation.stream, payload());
    if (posted.status !== 202)
      throw new Error(`upstream answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    const storeId = String(posted.headers['x-dpt-cab-id']);
    const stored = await channel.commandOutcome(storeId, 600_000);
    const storeSeconds = (performance.now() - storeStart) / 1000;
    if (stored.data!.command_status !== 2)
      throw new Error(`store rejected: ${String(stored.data!.body)}`);
    const dataToken = await finalize(api, profile.token, reservation.token, {
      fileName: 'bench',
      size: String(mib * PIECE),
    });

    const retrieveStart = performance.now();
    const url = await requestDownload(api, channel, profile.token, dataToken);
    const received = await drain(url);
    const retrieveSeconds = (performance.now() - retrieveStart) / 1000;
    if (received !== mib * PIECE) throw new Error(`retrieved ${received} of ${mib * PIECE} bytes`);
    return {
      storeMiBs: mib / storeSeconds,
      retrieveMiBs: mib / retrieveSeconds,
      peakRssMb: peakRssMb(engine.child.pid!),
    };
  } finally {
    channel.close();
    for (const device of devices) await device.stop();
    engine.child.kill('SIGTERM');
    await engine.exited;
  }
}

function baselineRun(): number {
  const dir = tempDir('privicore-bench-baseline-');
  const key = randomBytes(32);
  const started = performance.now();
  const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
  const copies = [1, 2, 3].map((n) => openSync(join(dir, `copy-${n}`), 'w'));
  for (const plain of payload()) {
    const sealed = cipher.update(plain);
    for (const fd of copies) writeSync(fd, sealed);
  }
  cipher.final();
  for (const fd of copies) {
    fsyncSync(fd);
    closeSync(fd);
  }
  const back = openSync(join(dir, 'copy-1'), 'r');
  const buffer = Buffer.alloc(PIECE);
  while (readSync(back, buffer, 0, PIECE, null) > 0);
  closeSync(back);
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return mib / seconds;
}

const ours = await engineRun();
const baselineMiBs = baselineRun();
const ratio = Math.min(ours.storeMiBs, ours.retrieveMiBs) / baselineMiBs;
console.log(`payload ${mib} MiB, three local storage devices`);
console.log(
  `engine:   store ${round(ours.storeMiBs, 1)} MiB/s  retrieve ${round(ours.retrieveMiBs, 1)} MiB/s  peak RSS ${round(ours.peakRssMb, 1)} MB`,
);
console.log(
  `baseline: ${round(baselineMiBs, 1)} MiB/s (AES-256-GCM + three fsynced copies + one read back, same disk)`,
);
console.log(
  JSON.stringify({
    bench: 'transfer',
    mib,
    storeMiBs: round(ours.storeMiBs, 1),
    retrieveMiBs: round(ours.retrieveMiBs, 1),
    baselineMiBs: round(baselineMiBs, 1),
    ratio: round(ratio, 3),
    peakRssMb: round(ours.peakRssMb, 1),
  }),
);
