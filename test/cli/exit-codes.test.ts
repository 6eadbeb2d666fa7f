// Every exit code the CLI documents, each produced by a real failure against a real engine —
// never read back from the table that defines them. The engine runs behind a TamperProxy (its
// public URL is the proxy's, so its download links, the CLI's WebSocket and the storage device's
// bus all go through it), which can flip a byte of a download on the wire: `cat` must then print
// nothing at all. Run under scripts/with-keyring.sh.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { loadProfileSecrets } from '../../client/secrets/profile-secrets.ts';
import { EXIT_CODES } from '../../cli/exit-codes.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import {
  runCli,
  spawnCli,
  type CliEnvironment,
  type CliResult,
  ok,
} from '../support/cli-runner.ts';
import { startTestEngine, tempDir } from '../support/engine.ts';
import { wire } from '../support/http.ts';
import { requireKeyringSession } from '../support/keyring-session.ts';
import { PASSWORD, uniqueName } from '../support/profiles.ts';
import { addStorageDevice, startDevice } from '../support/storage-devices.ts';
import { TamperProxy } from '../support/tamper-proxy.ts';

const SIZE = 3 * 1024 * 1024;

let root: string;
let proxy: TamperProxy;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let device: RunningStorageDevice;
let env: CliEnvironment;
let username: string;
let token: string;
let plaintext: Buffer;
/** Every exit code a test below has seen a real failure (or success) produce. */
const seen = new Set<number>();

async function cli(
  args: readonly string[],
  options?: Parameters<typeof runCli>[2],
): Promise<CliResult> {
  const result = await runCli(env, args, options);
  if (result.code !== null) seen.add(result.code);
  return result;
}

/** One line on stderr, nothing on stdout, and the code. */
function failed(result: CliResult): { code: number | null; stdout: string; lines: number } {
  return {
    code: result.code,
    stdout: result.stdout,
    lines: result.stderr.trim().split('\n').length,
  };
}

beforeAll(async () => {
  await requireKeyringSession();
  root = tempDir('privicore-cli-exit-');
  proxy = await TamperProxy.start();
  engine = await startTestEngine({ dataDir: join(root, 'engine'), publicUrl: proxy.url });
  proxy.retarget(engine.listenUrl);
  env = {
    configDir: join(root, 'config'),
    dataDir: join(root, 'data'),
    cwd: join(root, 'work'),
    keychainService: `privicore-vault-test-exit-${randomBytes(4).toString('hex')}`,
  };
  await mkdir(env.cwd, { recursive: true });
  username = uniqueName('exit');
  ok(
    await cli(['--engine', proxy.url, 'signup', username, '--password-stdin'], {
      input: PASSWORD,
    }),
  );
  const { profileId } = JSON.parse(ok(await cli(['--json', 'whoami'])).stdout) as {
    profileId: string;
  };
  const secrets = await loadProfileSecrets(new KeychainStore(env.keychainService), profileId);
  const { bundle } = await addStorageDevice(wire(proxy.url), secrets.authorizationToken!);
  device = await startDevice(bundle, join(root, 'storage'));
  plaintext = randomBytes(SIZE);
  await writeFile(join(env.cwd, 'ledger.bin'), plaintext);
  token = ok(await cli(['-q', 'put', 'ledger.bin'])).stdout.trim();
  await rm(join(env.cwd, 'ledger.bin'));
}, 120_000);

afterAll(async () => {
  await device?.stop();
  await proxy?.close();
  await engine?.close();
  await rm(root, { recursive: true, force: true });
});

describe('exit codes, each from a real failure', () => {
  it('0: the download, untouched, comes through the proxy whole', async () => {
    proxy.mode = undefined;
    const cat = spawnCli(env, ['cat', token]);
    cat.stdin.end();
    const chunks: Buffer[] = [];
    for await (const chunk of cat.stdout as AsyncIterable<Buffer>) chunks.push(chunk);
    const { code } = await cat.result;
    seen.add(code!);
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).equals(plaintext)).toBe(true);
  }, 60_000);

  it('2: a command line it cannot run', async () => {
    for (const args of [
      ['ls', '--sort', 'bogus'],
      ['put', '-'],
      ['--json', 'cat', token],
      ['--json', '--quiet', 'ls'],
      ['completion', 'tcsh'],
    ]) {
      expect({ args, ...failed(await cli(args)) }).toEqual({ args, code: 2, stdout: '', lines: 1 });
    }
  }, 60_000);

  it('3: a token, or a local file, that does not exist', async () => {
    const unknown = `D-${randomBytes(32).toString('base64url')}`;
    const cat = await cli(['cat', unknown]);
    expect(failed(cat)).toEqual({ code: 3, stdout: '', lines: 1 });
    expect(cat.stderr).toMatch(/No file with that token/);
    const put = await cli(['put', 'no-such-file.txt']);
    expect(failed(put)).toEqual({ code: 3, stdout: '', lines: 1 });
    expect(put.stderr).toMatch(/no-such-file.txt: no such file/);
  }, 60_000);

  it('4: a wrong password, and a machine that is logged out', async () => {
    const wrong = await cli(['login', username, '--password-stdin'], { input: 'not it at all' });
    expect(failed(wrong)).toEqual({ code: 4, stdout: '', lines: 1 });
    expect(wrong.stderr).toBe('privicore-vault: Wrong username or password.\n');
    ok(await cli(['logout']));
    const out = await cli(['ls']);
    expect(failed(out)).toEqual({ code: 4, stdout: '', lines: 1 });
    expect(out.stderr).toMatch(/You are not logged in/);
    ok(await cli(['login', username, '--password-stdin'], { input: PASSWORD }));
  }, 60_000);

  it('5: an engine that cannot be reached', async () => {
    // Accepts connections and drops them at once: a network failure, whatever the timing.
    const dropping: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const address = dropping.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await cli(['--engine', `http://127.0.0.1:${port}`, 'ls']);
      expect(failed(result)).toEqual({ code: 5, stdout: '', lines: 1 });
      expect(result.stderr).toMatch(/127\.0\.0\.1/);
    } finally {
      await new Promise((resolve) => dropping.close(resolve));
    }
  }, 60_000);

  it.each([
    ['one flipped byte (the ETag catches it)', { flipAt: 1_000_000 }],
    [
      'one flipped byte and no ETag (the GCM tag catches it)',
      { flipAt: 2_000_000, dropEtag: true },
    ],
  ])(
    '6: a download altered in transit, %s: cat prints nothing',
    async (_label, mode) => {
      proxy.mode = mode;
      try {
        const cat = await cli(['cat', token]);
        expect(failed(cat)).toEqual({ code: 6, stdout: '', lines: 1 });
        expect(cat.stderr).toMatch(/integrity check|does not match its checksum/);
        const get = await cli(['get', token, '-o', 'ledger.out']);
        expect(failed(get)).toEqual({ code: 6, stdout: '', lines: 1 });
        expect(await readdir(env.cwd)).toEqual([]);
      } finally {
        proxy.mode = undefined;
      }
    },
    60_000,
  );

  it('130: interrupted while streaming standard input', async () => {
    const put = spawnCli(env, ['put', '-', '--name', 'never.txt']);
    // More than the inline limit, then silence: the CLI starts the upload and waits for more.
    const uploading = proxy.request('POST', '/upstream');
    put.stdin.write(randomBytes(2 * 1024 * 1024));
    await uploading;
    put.child.kill('SIGINT');
    const result = await put.result;
    seen.add(result.code!);
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('privicore-vault: cancelled.\n');
  }, 60_000);

  it('1: any other failure (a recovery kit that is not one)', async () => {
    await writeFile(join(env.cwd, 'kit.json'), 'not json at all');
    const result = await cli(['recovery', 'import', 'kit.json', '--passphrase-stdin'], {
      input: 'whatever passphrase',
    });
    await rm(join(env.cwd, 'kit.json'));
    expect(failed(result)).toEqual({ code: 1, stdout: '', lines: 1 });
  }, 60_000);

  it('7: an engine whose TLS certificate is not the pinned one (nothing is sent to it)', async () => {
    const tls = await startTestEngine({ tls: { kind: 'self-signed' } });
    try {
      const wrong = `sha256:${randomBytes(32).toString('base64url')}`;
      const result = await cli(
        ['--engine', tls.apiUrl, '--pin', wrong, 'login', username, '--password-stdin'],
        { input: PASSWORD },
      );
      expect(failed(result)).toEqual({ code: 7, stdout: '', lines: 1 });
      expect(result.stderr).toContain(wrong);
      expect(result.stderr).toContain(tls.tlsPin);
    } finally {
      await tls.close();
    }
  }, 60_000);

  it('every documented code was produced above', () => {
    expect([...seen].sort((a, b) => a - b)).toEqual(
      [0, ...Object.values(EXIT_CODES)].sort((a, b) => a - b),
    );
  });
});
