import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { newServerBackend, processOptionsFor, type ServerBackend } from '../support/backend.ts';
import { spawnEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import { percentile, round } from './bench-stats.ts';

/**
 * npm run bench:commands -- [--clients 50] [--commands 20]
 * N concurrent clients each send cheap async commands (register-public-key) and wait for the
 * ack on their own WebSocket channel. Baseline, same run, same machine: a bare HTTP POST
 * followed by a WebSocket echo round trip against a trivial server.
 *
 * npm run bench:commands:nodes -- [--nodes 3] (under scripts/with-backends.sh): the same load
 * in the same run on one engine node on SQLite (the default engine), on one node and on
 * `--nodes` nodes on PostgreSQL and RabbitMQ. With several nodes each client sends its commands
 * to one node and hears the acks on its socket joined on the next, so every ack crosses nodes.
 */
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    commands: { type: 'string', default: '20' },
    nodes: { type: 'string' },
  },
});
const clients = Number(values.clients);
const perClient = Number(values.commands);
const nodeCount = values.nodes === undefined ? undefined : Number(values.nodes);
if (nodeCount !== undefined && !(Number.isInteger(nodeCount) && nodeCount >= 2))
  throw new Error('--nodes takes a whole number of nodes, 2 or more');

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/**
 * The engine as `count` node processes: on SQLite without a backend (one node only), else on
 * the given PostgreSQL database and RabbitMQ prefix, every node with the first one's secrets.
 */
async function startNodes(count: number, backend?: ServerBackend): Promise<EngineProcess[]> {
  const nodes: EngineProcess[] = [];
  let first: string | undefined;
  for (let index = 0; index < count; index++) {
    const dataDir = tempDir('privicore-bench-');
    const servers = backend ? processOptionsFor(backend) : { env: {}, args: [] };
    if (first)
      copyFileSync(join(first, 'engine-secrets.json'), join(dataDir, 'engine-secrets.json'));
    first ??= dataDir;
    // The bench is the proxy the engine trusts: each client signs up from its own forwarded
    // address, so 50 clients stay under the per-address registration limit (30 an hour).
    nodes.push(
      await spawnEngine(
        dataDir,
        [
          '--trust-proxy',
          '127.0.0.1',
          ...servers.args,
          ...(backend ? ['--node-id', `node${index + 1}`] : []),
        ],
        servers.env,
      ),
    );
  }
  return nodes;
}

async function engineRun(
  nodes: EngineProcess[],
): Promise<{ latencies: number[]; seconds: number }> {
  const engine = nodes[0]!;
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
      profiles.map(async (profile, index) => {
        // One node takes the client's commands, the next one holds its socket.
        const sendTo = wire(nodes[index % nodes.length]!.apiUrl);
        const ws = await openSocket(nodes[(index + 1) % nodes.length]!.wsUrl);
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
          const response = await sendTo.post(
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
    for (const node of nodes) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
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

if (nodeCount !== undefined) await compareNodes(nodeCount);
else await oneEngine();

async function oneEngine(): Promise<void> {
  const ours = await engineRun(await startNodes(1));
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
  console.log(
    `clients ${clients}, commands per client ${perClient}, total ${ours.latencies.length}`,
  );
  console.log(
    `engine:   p50 ${round(p50)} ms  p99 ${round(p99)} ms  ${round(perSec, 1)} commands/s`,
  );
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
}

/** One SQLite node (the baseline), one node and `count` nodes on PostgreSQL + RabbitMQ. */
async function compareNodes(count: number): Promise<void> {
  if (!process.env['PRIVICORE_TEST_DATABASE_URL'])
    throw new Error('--nodes needs PostgreSQL and RabbitMQ: run it under scripts/with-backends.sh');
  const runs: [string, () => Promise<EngineProcess[]>][] = [
    ['sqlite, 1 node', () => startNodes(1)],
    ['postgres+rabbitmq, 1 node', async () => startNodes(1, await newServerBackend())],
    [`postgres+rabbitmq, ${count} nodes`, async () => startNodes(count, await newServerBackend())],
  ];
  const results: { setup: string; p50Ms: number; p99Ms: number; perSec: number }[] = [];
  for (const [setup, start] of runs) {
    const run = await engineRun(await start());
    results.push({
      setup,
      p50Ms: round(percentile(run.latencies, 50)),
      p99Ms: round(percentile(run.latencies, 99)),
      perSec: round(run.latencies.length / run.seconds, 1),
    });
  }
  const baseline = results[0]!;
  console.log(`clients ${clients}, commands per client ${perClient}, each run`);
  console.log('setup                           p50 ms    p99 ms    commands/s   throughput ratio');
  for (const result of results)
    console.log(
      `${result.setup.padEnd(30)}  ${String(result.p50Ms).padStart(7)}  ${String(result.p99Ms).padStart(8)}  ${String(result.perSec).padStart(11)}   ${round(result.perSec / baseline.perSec, 3)}× (of sqlite, 1 node)`,
    );
  console.log(
    JSON.stringify({
      bench: 'commands-nodes',
      clients,
      commandsPerClient: perClient,
      nodes: count,
      runs: results.map((result) => ({
        ...result,
        throughputRatio: round(result.perSec / baseline.perSec, 3),
      })),
    }),
  );
}
