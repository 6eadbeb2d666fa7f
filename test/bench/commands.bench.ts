import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { spawnEngine, tempDir } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import { percentile, round } from './bench-stats.ts';

/**
 * npm run bench:commands -- [--clients 50] [--commands 20]
 * N concurrent clients each send cheap async commands (register-public-key) and wait for the
 * ack on their own WebSocket channel. Baseline, same run, same machine: a bare HTTP POST
 * followed by a WebSocket echo round trip against a trivial server.
 */
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    commands: { type: 'string', default: '20' },
  },
});
const clients = Number(values.clients);
const perClient = Number(values.commands);

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

async function engineRun(): Promise<{ latencies: number[]; seconds: number }> {
  // The bench is the proxy the engine trusts: each client signs up from its own forwarded
  // address, so 50 clients stay under the per-address registration limit (30 an hour).
  const engine = await spawnEngine(tempDir('privicore-bench-'), ['--trust-proxy', '127.0.0.1']);
  try {
    const api = wire(engine.apiUrl);
    const profiles: TestProfile[] = [];
    for (let i = 0; i < clients; i++) {
      const from = { 'x-forwarded-for': `10.18.${Math.floor(i / 250)}.${(i % 250) + 1}` };
      const client: Wire = {
        ...api,
        post: (path, fields, token, extra = {}) =>
          api.post(path, fields, token, { ...from, ...extra }),
      };
      profiles.push(await createProfile(client));
    }
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      profiles.map(async (profile) => {
        const ws = await openSocket(engine.wsUrl);
        const acks = new Map<string, () => void>();
        const early = new Set<string>();
        ws.on('message', (raw) => {
          const frame = JSON.parse(raw.toString()) as {
            data?: { type?: string; id?: string; command_status?: number };
          };
          if (frame.data?.type !== 'X-DPT-CAB-ID' || frame.data.command_status === 1) return;
          const id = frame.data.id!;
          const waiter = acks.get(id);
          if (waiter) waiter();
          else early.add(id);
        });
        await new Promise<void>((resolve) => {
          ws.once('message', () => resolve());
          ws.send(
            JSON.stringify({ action: 'joinChannel', data: { authorizationToken: profile.token } }),
          );
        });
        for (let i = 0; i < perClient; i++) {
          const t0 = performance.now();
          const response = await api.post(
            '/public-key/register-public-key',
            { publicKey: profile.keys.public },
            profile.token,
          );
          const id = response.headers.get('x-dpt-cab-id')!;
          if (!early.has(id)) await new Promise<void>((resolve) => acks.set(id, resolve));
          latencies.push(performance.now() - t0);
        }
        ws.close();
      }),
    );
    return { latencies, seconds: (performance.now() - started) / 1000 };
  } finally {
    engine.child.kill('SIGTERM');
    await engine.exited;
  }
}

async function baselineRun(): Promise<{ latencies: number[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'baseline-echo-server.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once('line', resolve),
  );
  const { port } = JSON.parse(line) as { port: number };
  try {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const ws = await openSocket(`ws://127.0.0.1:${port}`);
        for (let i = 0; i < perClient; i++) {
          const t0 = performance.now();
          await fetch(`http://127.0.0.1:${port}/command`, {
            method: 'POST',
            body: 'publicKey=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }).then((r) => r.text());
          await new Promise<void>((resolve) => {
            ws.once('message', () => resolve());
            ws.send('{"data":{"type":"X-DPT-CAB-ID"}}');
          });
          latencies.push(performance.now() - t0);
        }
        ws.close();
      }),
    );
    return { latencies };
  } finally {
    child.kill('SIGTERM');
  }
}

const ours = await engineRun();
const baseline = await baselineRun();
const p50 = percentile(ours.latencies, 50);
const p99 = percentile(ours.latencies, 99);
const baselineP50 = percentile(baseline.latencies, 50);
const baselineP99 = percentile(baseline.latencies, 99);
const perSec = ours.latencies.length / ours.seconds;
// Each ratio is ours over the baseline's: 1.0 is as fast as the bare round trip, 3 is 3× slower
// (the targets: p50 ≤ 1.5×, p99 ≤ 3×).
const p50Ratio = p50 / baselineP50;
const p99Ratio = p99 / baselineP99;
console.log(`clients ${clients}, commands per client ${perClient}, total ${ours.latencies.length}`);
console.log(`engine:   p50 ${round(p50)} ms  p99 ${round(p99)} ms  ${round(perSec, 1)} commands/s`);
console.log(
  `baseline: p50 ${round(baselineP50)} ms  p99 ${round(baselineP99)} ms (bare POST + WebSocket echo)`,
);
console.log(`ratio:    p50 ${round(p50Ratio)}×  p99 ${round(p99Ratio)}× (engine / baseline)`);
console.log(
  JSON.stringify({
    bench: 'commands',
    clients,
    commandsPerClient: perClient,
    p50Ms: round(p50),
    p99Ms: round(p99),
    perSec: round(perSec, 1),
    baselineP50Ms: round(baselineP50),
    baselineP99Ms: round(baselineP99),
    p50Ratio: round(p50Ratio, 3),
    p99Ratio: round(p99Ratio, 3),
  }),
);
