// put - and cat / get -o - through real pipes, against a remote engine (--engine URL; the engine
// and its local storage devices run in the test process, so the CLI process holds only the CLI):
// 200 MiB of standard input stored and read back byte-identical with the CLI's peak RSS measured
// by the kernel; the private spool inspected while `cat` waits on a full pipe, then gone after
// Ctrl-C; a reader that stops early. Run under scripts/with-keyring.sh.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  runCli,
  spawnCli,
  type CliEnvironment,
  type SpawnedCli,
  ok,
} from '../support/cli-runner.ts';
import { signedInCliMachine } from '../support/cli-machine.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { startVaultEngine } from '../support/vault-engine.ts';

const MiB = 1024 * 1024;
const STREAM_SIZE = 200 * MiB;
const RSS_LIMIT = 150 * 1000 * 1000;

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let env: CliEnvironment;
/** The CLI's $TMPDIR: where its spools must appear and from where they must vanish. */
let tmp: string;

const cli = (args: readonly string[], options?: Parameters<typeof runCli>[2]) =>
  runCli(env, ['--engine', engine.apiUrl, ...args], {
    ...options,
    env: { TMPDIR: tmp, ...options?.env },
  });
const spawn = (args: readonly string[], options: { measurePeakRss?: boolean } = {}) =>
  spawnCli(env, ['--engine', engine.apiUrl, ...args], { ...options, env: { TMPDIR: tmp } });

/** Writes `size` random bytes into the CLI's stdin (with backpressure); resolves with the SHA-256. */
async function feed(cliProcess: SpawnedCli, size: number): Promise<string> {
  const hash = createHash('sha256');
  async function* pieces() {
    for (let left = size; left > 0;) {
      const piece = randomBytes(Math.min(left, MiB));
      hash.update(piece);
      left -= piece.length;
      yield piece;
    }
  }
  await pipeline(Readable.from(pieces()), cliProcess.stdin);
  return hash.digest('hex');
}

async function drain(stream: Readable): Promise<{ bytes: number; sha256: string; text: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (head.length < 4096) head = Buffer.concat([head, chunk]).subarray(0, 4096);
  }
  return { bytes, sha256: hash.digest('hex'), text: head.toString() };
}

/** What the CLI left in its $TMPDIR, apart from tsx's compile cache (tsx-<uid>/). */
async function leftInTmp(): Promise<string[]> {
  return (await readdir(tmp)).filter((name) => !name.startsWith('tsx-'));
}

beforeAll(async () => {
  await requireKeyringSession();
  engine = await startVaultEngine();
  env = await signedInCliMachine(engine, 'pipes');
  tmp = join(engine.dir, 'pipes', 'tmp');
  await mkdir(tmp, { recursive: true });
});

afterAll(async () => {
  await engine?.close();
});

describe('put - and cat', () => {
  it('pipes 200 MiB in through put - and out through cat, byte-identical, in bounded memory', async () => {
    // What the CLI costs with no transfer at all (loading its code, one engine call): the baseline.
    const idle = spawn(['whoami'], { measurePeakRss: true });
    idle.stdin.end();
    const idleRun = await idle.result;
    expect(idleRun.code).toBe(0);

    const put = spawn(['-q', 'put', '-', '--name', 'stream.bin', '--context', '/pipes'], {
      measurePeakRss: true,
    });
    const printed = drain(put.stdout);
    const sent = await feed(put, STREAM_SIZE);
    const putRun = await put.result;
    expect(putRun.stderr).toBe('');
    expect(putRun.code).toBe(0);
    const token = (await printed).text.trim();
    expect(token).toMatch(/^D-[A-Za-z0-9_-]{43}$/);

    const listed = JSON.parse(ok(await cli(['--json', 'ls', '--context', '/pipes'])).stdout) as {
      items: { token: string; fileName: string; extension: string | null; size: number }[];
    };
    expect(listed.items).toEqual([
      expect.objectContaining({ token, fileName: 'stream', extension: 'bin', size: STREAM_SIZE }),
    ]);

    const cat = spawn(['cat', token], { measurePeakRss: true });
    cat.stdin.end();
    const [received, catRun] = await Promise.all([drain(cat.stdout), cat.result]);
    expect(catRun.stderr).toBe('');
    expect(catRun.code).toBe(0);
    expect(received.bytes).toBe(STREAM_SIZE);
    expect(received.sha256).toBe(sent);
    expect(await leftInTmp()).toEqual([]);

    const figures = {
      test: 'cli-pipes-200MiB',
      streamBytes: STREAM_SIZE,
      baselineIdlePeakRssMB: idleRun.peakRssBytes! / 1e6,
      putPeakRssMB: putRun.peakRssBytes! / 1e6,
      catPeakRssMB: catRun.peakRssBytes! / 1e6,
      putRatioToBaseline: putRun.peakRssBytes! / idleRun.peakRssBytes!,
      catRatioToBaseline: catRun.peakRssBytes! / idleRun.peakRssBytes!,
    };
    console.log(JSON.stringify(figures));
    expect(putRun.peakRssBytes!).toBeLessThan(RSS_LIMIT);
    expect(catRun.peakRssBytes!).toBeLessThan(RSS_LIMIT);
  }, 600_000);

  it('an empty and a small standard input round-trip, through cat and get -o - alike', async () => {
    const empty = spawn(['-q', 'put', '-', '--name', 'empty']);
    const emptyToken = drain(empty.stdout);
    empty.stdin.end();
    expect((await empty.result).code).toBe(0);
    const small = spawn(['put', '-', '--name', 'notes.txt', '--context', '/pipes/small']);
    const smallOut = drain(small.stdout);
    small.stdin.end('hello from a pipe\n');
    expect((await small.result).code).toBe(0);
    const [smallToken, name, size] = (await smallOut).text.trim().split('  ');
    expect(name).toBe('notes.txt');
    expect(size).toBe('18 B');

    const catEmpty = ok(await cli(['cat', (await emptyToken).text.trim()]));
    expect(catEmpty.stdout).toBe('');
    expect(ok(await cli(['cat', smallToken!])).stdout).toBe('hello from a pipe\n');
    expect(ok(await cli(['get', smallToken!, '-o', '-'])).stdout).toBe('hello from a pipe\n');
    // Nothing was written into the current folder (no file called "-").
    expect(await readdir(env.cwd)).toEqual([]);
  }, 120_000);

  it('--name renames a stored file', async () => {
    await writeFile(join(env.cwd, 'draft-7.txt'), 'final words');
    const stored = JSON.parse(
      ok(await cli(['--json', 'put', 'draft-7.txt', '--name', 'final.txt'])).stdout,
    ) as { files: { token: string; name: string }[] };
    expect(stored.files[0]!.name).toBe('final.txt');
    expect(ok(await cli(['cat', stored.files[0]!.token])).stdout).toBe('final words');
    await rm(join(env.cwd, 'draft-7.txt'));
  }, 60_000);
});

describe('the spool behind cat', () => {
  const size = 8 * MiB;
  let plaintext: Buffer;
  let token: string;

  beforeAll(async () => {
    plaintext = randomBytes(size);
    await writeFile(join(env.cwd, 'spooled.bin'), plaintext);
    token = ok(await cli(['-q', 'put', 'spooled.bin'])).stdout.trim();
    await rm(join(env.cwd, 'spooled.bin'));
  }, 120_000);

  it('is private and sealed while cat waits on a full pipe, and gone after Ctrl-C', async () => {
    const cat = spawn(['cat', token]);
    cat.stdin.end();
    // If an assertion fails, the blocked CLI must not outlive the test.
    onTestFinished(() => void cat.child.kill('SIGKILL'));
    // Not reading: the pipe fills, and cat stays blocked with the whole file in its spool.
    await new Promise((resolve) => cat.stdout.once('readable', resolve));
    const pid = cat.child.pid!;

    const [folder, ...others] = await leftInTmp();
    expect(others).toEqual([]);
    expect(folder).toMatch(/^privicore-vault-spool-/);
    expect((await stat(join(tmp, folder!))).mode & 0o777).toBe(0o700);
    // Unlinked as soon as it was opened: nothing in the folder to find by name.
    expect(await readdir(join(tmp, folder!))).toEqual([]);

    const descriptors = await readdir(`/proc/${pid}/fd`);
    const links = await Promise.all(
      descriptors.map(async (fd) => ({
        fd,
        target: await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''),
      })),
    );
    const spool = links.find((link) => link.target.startsWith(join(tmp, folder!)));
    expect(spool?.target).toMatch(/spool \(deleted\)$/);
    const spoolPath = `/proc/${pid}/fd/${spool!.fd}`;
    expect((await stat(spoolPath)).mode & 0o777).toBe(0o600);
    const sealed = await readFile(spoolPath);
    expect(sealed.length).toBeGreaterThan(size);
    // Sealed: no run of the plaintext, anywhere in it.
    for (const at of [0, 1_000_000, size / 2, size - 64])
      expect(sealed.includes(plaintext.subarray(at, at + 32))).toBe(false);

    cat.child.kill('SIGINT');
    cat.stdout.resume();
    const run = await cat.result;
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 130,
      stderr: 'privicore-vault: cancelled.\n',
    });
    expect(await leftInTmp()).toEqual([]);
  }, 120_000);

  it('a reader that stops early ends cat quietly, with the spool removed', async () => {
    const cat = spawn(['cat', token]);
    cat.stdin.end();
    const first = await new Promise<Buffer>((resolve) => cat.stdout.once('data', resolve));
    expect(first.equals(plaintext.subarray(0, first.length))).toBe(true);
    cat.stdout.destroy();
    const run = await cat.result;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await leftInTmp()).toEqual([]);
  }, 120_000);
});
