// Vault benchmark: storeFile, then retrieveFile, of one N MiB file through the client against the
// embedded engine (engine/host.ts: the engine and its three local storage devices).
//
//   npm run bench:vault -- [--mib 1024] [--samples 3] [--dir DIR]
//
// The engine runs in a child process, as the desktop app runs it in a utility process, so the
// peak RSS and the event-loop delay reported are the client's alone: the numbers that matter
// for an Electron main process. Baselines, same run, same bytes, interleaved with the vault round
// by round (disk-baselines.ts): a store against the write baseline (AES-256-GCM, three fsynced
// copies), a retrieve (decrypted to a file, fsynced) against the read baseline (one copy read,
// decrypted, written out and fsynced). What the vault does beyond them is its cost: device-side
// at-rest encryption, the engine's envelope, HTTP and WebSocket hops.
//
// Output: human lines, then one JSON line
//   {"bench":"vault","mib","samples","storeMiBs","writeBaselineMiBs","storeRatio","storeRatioSpread",
//    "retrieveMiBs","readBaselineMiBs","retrieveRatio","retrieveRatioSpread","peakRssMb","maxLoopDelayMs"}
// Each ratio is the median of the rounds' own ratios; the spread is their lowest and highest.

import { fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeRandomFile } from './random-file.ts';
import { median, sampleCount, spread } from './bench-stats.ts';
import { readBaseline, removeBaselineFiles, writeBaseline } from './disk-baselines.ts';

const MiB = 1024 * 1024;

type ToChild = { op: 'ensure-storage'; token: string } | { op: 'stop' };
type FromChild =
  | { op: 'ready'; apiUrl: string; wsUrl: string }
  | { op: 'storage-ready'; devices: number }
  | { op: 'error'; message: string };

if (process.argv.includes('--engine-child')) await runEngineChild();
else await runBench();

/** The engine side: the embedded engine with its storage devices, driven over IPC. */
async function runEngineChild(): Promise<void> {
  const dataDir = process.argv[process.argv.indexOf('--engine-child') + 1]!;
  const { startEmbeddedEngine } = await import('../../engine/host.ts');
  const host = await startEmbeddedEngine({ dataDir, logLevel: 'error' });
  const send = (message: FromChild) => process.send!(message);
  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if (message.op === 'ensure-storage') {
          send({
            op: 'storage-ready',
            devices: (await host.ensureLocalStorage(message.token)).length,
          });
        } else {
          await host.stop();
          process.exit(0);
        }
      } catch (error) {
        send({ op: 'error', message: (error as Error).message });
      }
    })();
  });
  // A bench that dies must not leave its engine behind.
  process.on('disconnect', () => void host.stop().finally(() => process.exit(0)));
  send({ op: 'ready', apiUrl: host.apiUrl, wsUrl: host.wsUrl });
}

async function runBench(): Promise<void> {
  const { values } = parseArgs({
    options: { mib: { type: 'string' }, samples: { type: 'string' }, dir: { type: 'string' } },
    strict: true,
  });
  const mib = Number(values.mib ?? 1024);
  if (!Number.isInteger(mib) || mib < 1)
    throw new Error(`--mib must be a whole number ≥ 1, got ${values.mib}`);
  const size = mib * MiB;
  const samples = sampleCount(values.samples);
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'privicore-vault-bench-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);

  const { signUp } = await import('../../client/account.ts');
  const { deleteData } = await import('../../client/endpoints/data-token.ts');
  const { MemorySecretStore } = await import('../support/memory-secrets.ts');

  const child = fork(fileURLToPath(import.meta.url), ['--engine-child', join(dir, 'engine')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<FromChild>((resolve, reject) => {
      child.once('message', (message: FromChild) =>
        message.op === 'error' ? reject(new Error(message.message)) : resolve(message),
      );
      child.once('exit', (code) => reject(new Error(`the engine process exited (${code})`)));
    });
  try {
    const ready = (await next()) as Extract<FromChild, { op: 'ready' }>;
    log(`vault bench: ${mib} MiB, engine ${ready.apiUrl} (child process), files in ${dir}`);

    const source = join(dir, 'source.bin');
    const sourceHash = await writeRandomFile(source, size);

    const user = await signUp({
      apiUrl: ready.apiUrl,
      wsUrl: ready.wsUrl,
      username: `bench-${randomBytes(4).toString('hex')}@example.com`,
      password: 'correct horse battery',
      secrets: new MemorySecretStore(),
    });
    child.send({ op: 'ensure-storage', token: user.session.authorizationToken } satisfies ToChild);
    const storage = (await next()) as Extract<FromChild, { op: 'storage-ready' }>;
    log(`profile ${user.profileId} with ${storage.devices} local storage devices`);

    const rssBefore = process.memoryUsage.rss() / MiB;
    const idle = startIdleProbe();
    const stalls = sampleStalls();
    const rss = sampleRss();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();

    const rounds: { store: number; retrieve: number; write: number; read: number }[] = [];
    const target = join(dir, 'retrieved.bin');
    for (let round = 1; round <= samples; round++) {
      // Interleaved, so a machine that slows down mid-run slows both sides of each ratio alike.
      let started = performance.now();
      const stored = await user.session.storeFile(source, { context: '/bench' });
      const storeSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      await user.session.retrieveFile(stored.token, target);
      const retrieveSeconds = (performance.now() - started) / 1000;
      if ((await sha256File(target)) !== sourceHash)
        throw new Error('the retrieved file differs from the source');
      await rm(target);
      // The devices' copies go too, so rounds do not fill the disk.
      await user.session.run(() => deleteData(user.session.http, { token: stored.token }));

      const written = await writeBaseline(
        () => createReadStream(source, { highWaterMark: MiB }),
        dir,
      );
      const output = join(dir, 'baseline-output.bin');
      const readSeconds = await readBaseline(written.copy, output);
      await removeBaselineFiles(written.copy, output);
      rounds.push({
        store: mib / storeSeconds,
        retrieve: mib / retrieveSeconds,
        write: mib / written.seconds,
        read: mib / readSeconds,
      });
    }

    loop.disable();
    const sampledPeak = rss.stop();
    const peakRssMb = Math.max(sampledPeak, process.resourceUsage().maxRSS / 1024);
    log(
      `client RSS ${rssBefore.toFixed(1)} MB before the transfers, ${sampledPeak.toFixed(1)} MB at most while sampling`,
    );
    const maxLoopDelayMs = loop.max / 1e6;
    const idleDelayMs = await idle.stop();
    const busyStallMs = stalls.stop();
    user.session.close();

    const storeRatios = rounds.map((r) => r.store / r.write);
    const retrieveRatios = rounds.map((r) => r.retrieve / r.read);
    const med = (key: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[key]));
    const list = (key: keyof (typeof rounds)[number]) =>
      rounds.map((r) => r[key].toFixed(1)).join(', ');
    log(`${samples} interleaved rounds`);
    log(`store           ${list('store')} MiB/s`);
    log(`write baseline  ${list('write')} MiB/s (AES-256-GCM + 3 fsynced copies)`);
    log(`retrieve        ${list('retrieve')} MiB/s (decrypted to a file, fsynced), byte-identical`);
    log(`read baseline   ${list('read')} MiB/s (1 copy read, decrypted, written out, fsynced)`);
    log(
      `ratios     store ${median(storeRatios).toFixed(3)} [${spread(storeRatios, 3).join('–')}], retrieve ${median(retrieveRatios).toFixed(3)} [${spread(retrieveRatios, 3).join('–')}]`,
    );
    log(
      `client     peak RSS ${peakRssMb.toFixed(1)} MB, max event-loop delay ${maxLoopDelayMs.toFixed(1)} ms`,
    );
    log(
      `reference  an idle Node process beside it saw ${idleDelayMs.toFixed(1)} ms at most (the machine's own scheduling delay);`,
    );
    log(
      `           the client's longest stall with its own CPU busy was ${busyStallMs.toFixed(1)} ms (the rest was waiting for a core)`,
    );
    log(
      JSON.stringify({
        bench: 'vault',
        mib,
        samples,
        storeMiBs: round(med('store')),
        writeBaselineMiBs: round(med('write')),
        storeRatio: round(median(storeRatios), 3),
        storeRatioSpread: spread(storeRatios, 3),
        retrieveMiBs: round(med('retrieve')),
        readBaselineMiBs: round(med('read')),
        retrieveRatio: round(median(retrieveRatios), 3),
        retrieveRatioSpread: spread(retrieveRatios, 3),
        peakRssMb: round(peakRssMb),
        maxLoopDelayMs: round(maxLoopDelayMs),
      }),
    );
  } finally {
    child.send({ op: 'stop' } satisfies ToChild);
    await new Promise((resolve) => {
      child.once('exit', resolve);
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * An idle Node process measuring its own event-loop delay over the same period: on a shared or
 * overloaded machine, timer lateness comes from the OS scheduler too, and this says how much.
 */
function startIdleProbe(): { stop(): Promise<number> } {
  const script =
    "const h=require('node:perf_hooks').monitorEventLoopDelay({resolution:5});h.enable();" +
    "process.on('message',()=>{h.disable();process.send(h.max/1e6,()=>process.exit(0));});";
  const probe = spawn(process.execPath, ['-e', script], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    stop: () =>
      new Promise<number>((resolve) => {
        probe.once('message', (max: number) => resolve(max));
        probe.send('stop');
      }),
  };
}

/**
 * Splits event-loop lateness into blocking and preemption: for each late tick, the process CPU
 * time spent in the gap bounds how long the loop itself was busy (it includes the thread pool,
 * so it is an upper bound). A gap with little CPU was the OS running something else.
 */
function sampleStalls(): { stop(): number } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const busy = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    worst = Math.max(worst, Math.min(now - last, busy));
    last = now;
    lastCpu = cpu;
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / MiB;
    },
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
