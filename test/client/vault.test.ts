// storeFile and retrieveFile against the embedded engine and its three storage devices.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionChannel } from '../../client/channel.ts';
import { encryptedSize } from '../../client/crypto/gcm-stream.ts';
import { listDataTokens } from '../../client/endpoints/data-token.ts';
import { PrivicoreError } from '../../client/privicore-error.ts';
import type { VaultSession } from '../../client/session.ts';
import { retrieveFile, retrieveInto } from '../../client/vault/retrieve-file.ts';
import { INLINE_LIMIT } from '../../client/vault/store-file.ts';
import type { TransferProgress } from '../../client/vault/transfer-progress.ts';
import type { VaultContext } from '../../client/vault/vault-context.ts';
import { TamperProxy } from '../support/tamper-proxy.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let user: VaultUser;
let session: VaultSession;
let counter = 0;

beforeAll(async () => {
  engine = await startVaultEngine();
  user = await signUpVaultUser(engine);
  session = user.session;
});

afterAll(async () => {
  session.close();
  await engine.close();
});

async function makeFile(
  size: number,
  name = `file-${++counter}.bin`,
): Promise<{ path: string; sha256: string }> {
  const path = join(engine.dir, name);
  const hash = createHash('sha256');
  // Generated in pieces so large files never sit in memory.
  async function* pieces() {
    for (let left = size; left > 0;) {
      const piece = randomBytes(Math.min(left, 1 << 20));
      hash.update(piece);
      left -= piece.length;
      yield piece;
    }
  }
  await pipeline(Readable.from(pieces()), createWriteStream(path));
  return { path, sha256: hash.digest('hex') };
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline((await import('node:fs')).createReadStream(path), hash);
  return hash.digest('hex');
}

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.partial'));
}

describe('storeFile / retrieveFile', () => {
  it.each([
    ['an empty file', 0, true],
    ['a small file', 1000, true],
    ['the largest inline file', INLINE_LIMIT - 28, true],
    ['one byte more: streamed', INLINE_LIMIT - 27, false],
    ['8 MiB', 8 * 1024 * 1024 + 3, false],
  ])('round-trips %s byte for byte', async (_label, size, inline) => {
    const file = await makeFile(size);
    const stored = await session.storeFile(file.path, { context: '/roundtrip', path: '/in' });
    expect(stored).toMatchObject({
      size,
      inline,
      context: '/roundtrip',
      path: '/in',
      stored: { size: encryptedSize(size), storageDevices: 3 },
    });
    expect(stored.token).toMatch(/^D-/);
    const target = join(engine.dir, `back-${counter}.bin`);
    expect(await session.retrieveFile(stored.token, target)).toEqual({ target, size });
    expect(await sha256Of(target)).toBe(file.sha256);
  });

  it('keeps the name and extension apart, as the contract does', async () => {
    const file = await makeFile(10, 'quarterly report.final.pdf');
    const { token } = await session.storeFile(file.path, { context: '/names' });
    const { items } = await listDataTokens(session.http, { context: '/names' });
    expect(items.find((item) => item.token === token)).toMatchObject({
      fileName: 'quarterly report.final',
      extension: 'pdf',
      size: 10,
    });
  });

  it('reports progress in order, ending at the file size', async () => {
    const size = 5 * 1024 * 1024;
    const file = await makeFile(size);
    const storing: TransferProgress[] = [];
    const { token } = await session.storeFile(file.path, {
      context: '/progress',
      onProgress: (p) => storing.push(p),
    });
    expect(storing[0]).toEqual({ phase: 'reserve', bytes: 0, total: size });
    expect(storing.at(-1)).toEqual({ phase: 'done', bytes: size, total: size });
    const uploads = storing.filter((p) => p.phase === 'upload').map((p) => p.bytes);
    expect(uploads.length).toBeGreaterThan(2);
    expect([...uploads].sort((a, b) => a - b)).toEqual(uploads);

    const retrieving: TransferProgress[] = [];
    await session.retrieveFile(token, join(engine.dir, 'progress.out'), {
      onProgress: (p) => retrieving.push(p),
    });
    const downloads = retrieving.filter((p) => p.phase === 'download');
    expect(downloads.every((p) => p.total === size)).toBe(true);
    expect(downloads.at(-1)?.bytes).toBe(size);
    expect(retrieving.at(-1)).toEqual({ phase: 'done', bytes: size, total: size });
  });

  it('cancels a store mid-upload', async () => {
    const file = await makeFile(32 * 1024 * 1024);
    const controller = new AbortController();
    const storing = session.storeFile(file.path, {
      context: '/cancel',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'upload' && p.bytes > 4 * 1024 * 1024) controller.abort();
      },
    });
    await expect(storing).rejects.toMatchObject({ reason: 'client.cancelled' });
    expect((await listDataTokens(session.http, { context: '/cancel' })).meta.count).toBe(0);
  });

  it('cancels a retrieve mid-download and leaves no file', async () => {
    const file = await makeFile(32 * 1024 * 1024);
    const { token } = await session.storeFile(file.path, { context: '/cancel-get' });
    const controller = new AbortController();
    const target = join(engine.dir, 'cancelled.out');
    const retrieving = session.retrieveFile(token, target, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'download' && p.bytes > 4 * 1024 * 1024) controller.abort();
      },
    });
    await expect(retrieving).rejects.toMatchObject({ reason: 'client.cancelled' });
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await leftovers(engine.dir)).toEqual([]);
  });

  it('fails clearly without the data key', async () => {
    const file = await makeFile(10);
    const { VaultSession: Session } = await import('../../client/session.ts');
    const keyless = await Session.open({
      apiUrl: engine.apiUrl,
      authorizationToken: session.authorizationToken,
    });
    expect(() => keyless.storeFile(file.path, { context: '/x' })).toThrow(PrivicoreError);
    keyless.close();
  });

  it('refuses a directory and a missing file', async () => {
    await expect(session.storeFile(engine.dir, { context: '/x' })).rejects.toMatchObject({
      reason: 'client.not_a_file',
    });
    await expect(
      session.storeFile(join(engine.dir, 'missing'), { context: '/x' }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** A Writable that keeps everything and records whether it was ever told the input ended. */
function collector(): { sink: Writable; data: () => Buffer; finished: () => boolean } {
  const chunks: Buffer[] = [];
  let finished = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    final(callback) {
      finished = true;
      callback();
    },
  });
  return { sink, data: () => Buffer.concat(chunks), finished: () => finished };
}

describe('storeStream / retrieveInto', () => {
  it.each([
    ['an empty stream', 0, true],
    ['the longest inline stream', INLINE_LIMIT - 28, true],
    ['one byte more: a chunked upload', INLINE_LIMIT - 27, false],
    ['9 MiB in odd pieces', 9 * 1024 * 1024 + 5, false],
  ])('round-trips %s, its length learnt from the stream itself', async (_label, size, inline) => {
    const data = randomBytes(size);
    // Pieces of a pipe's size and smaller, as standard input delivers them.
    const pieces: Buffer[] = [];
    for (let at = 0; at < size; at += 65_536 - (at % 7))
      pieces.push(data.subarray(at, at + 65_536 - (at % 7)));
    const stored = await session.storeStream(Readable.from(pieces), {
      name: 'from stdin.log',
      context: '/streams',
    });
    expect(stored).toMatchObject({
      name: 'from stdin.log',
      size,
      inline,
      stored: { size: encryptedSize(size), storageDevices: 3 },
    });
    const { items } = await listDataTokens(session.http, { context: '/streams' });
    expect(items.find((item) => item.token === stored.token)).toMatchObject({
      fileName: 'from stdin',
      extension: 'log',
      size,
    });
    const back = collector();
    expect(await session.retrieveInto(stored.token, back.sink)).toEqual({ size });
    expect(back.finished()).toBe(true);
    expect(back.data().equals(data)).toBe(true);
  });

  it('cancels a stream that is still being written', async () => {
    const controller = new AbortController();
    const source = new PassThrough();
    source.write(randomBytes(2 * 1024 * 1024));
    const storing = session.storeStream(source, {
      name: 'never finished',
      context: '/stream-cancel',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'upload' && p.bytes >= 2 * 1024 * 1024) controller.abort();
      },
    });
    await expect(storing).rejects.toMatchObject({ reason: 'client.cancelled' });
    expect((await listDataTokens(session.http, { context: '/stream-cancel' })).meta.count).toBe(0);
  });

  it('reports an unknown token without touching the sink', async () => {
    const back = collector();
    await expect(
      session.retrieveInto(`D-${randomBytes(32).toString('base64url')}`, back.sink),
    ).rejects.toMatchObject({ reason: 'data_token.not_found' });
    expect(back.finished()).toBe(false);
    expect(back.sink.destroyed).toBe(true);
  });
});

describe('tampered downloads', () => {
  let proxy: TamperProxy;
  let ctx: VaultContext;
  let token: string;
  const size = 3 * 1024 * 1024;

  beforeAll(async () => {
    proxy = await TamperProxy.start(engine.apiUrl);
    // The real session and channel; only the download URL is routed through the proxy.
    const channel = session.channel;
    const redirecting = {
      get epoch() {
        return channel.epoch;
      },
      forget: (id: string) => channel.forget(id),
      on: ((event, listener) => channel.on(event, listener)) as SessionChannel['on'],
      holdsOf: (id: string) => channel.holdsOf(id),
      waitRequest: async (id: string, options: Parameters<SessionChannel['waitRequest']>[1]) => {
        const outcome = await channel.waitRequest(id, options);
        return outcome.status === 2 && outcome.source?.kind === 'url'
          ? { ...outcome, source: { kind: 'url' as const, url: proxy.rewrite(outcome.source.url) } }
          : outcome;
      },
    } as unknown as SessionChannel;
    ctx = {
      http: session.http,
      channel: redirecting,
      run: (send, options) => session.run(send, options),
    };
    const file = await makeFile(size);
    ({ token } = await session.storeFile(file.path, { context: '/tamper' }));
  });

  afterAll(async () => {
    await proxy.close();
  });

  it.each([
    ['one flipped bit (caught by the ETag)', { flipAt: 1_000_000 }, 'client.integrity'],
    [
      'one flipped bit, no ETag (caught by the GCM tag)',
      { flipAt: 2_000_000, dropEtag: true },
      'client.integrity',
    ],
    ['a flipped tag byte, no ETag', { flipAt: size + 27, dropEtag: true }, 'client.integrity'],
    ['a body cut short', { truncateAt: 1_500_000 }, 'client.download_interrupted'],
  ])('%s: an error, and no output file', async (_label, mode, reason) => {
    proxy.mode = mode;
    const target = join(engine.dir, 'tampered.out');
    const error = await retrieveFile(ctx, token, target, session.dataKey!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivicoreError);
    expect(error).toMatchObject({ reason });
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await leftovers(engine.dir)).toEqual([]);
  });

  it.each([
    ['one flipped bit (caught by the ETag)', { flipAt: 1_000_000 }],
    ['one flipped bit, no ETag (caught by the GCM tag)', { flipAt: 2_000_000, dropEtag: true }],
  ])('retrieveInto, %s: fails, and the sink never hears the end', async (_label, mode) => {
    proxy.mode = mode;
    const back = collector();
    await expect(retrieveInto(ctx, token, back.sink, session.dataKey!)).rejects.toMatchObject({
      reason: 'client.integrity',
    });
    expect(back.finished()).toBe(false);
    expect(back.sink.destroyed).toBe(true);
    proxy.mode = undefined;
  });

  it('an existing file at the target is left as it was', async () => {
    proxy.mode = { flipAt: 10, dropEtag: true };
    const target = join(engine.dir, 'precious.txt');
    await writeFile(target, 'keep me');
    await expect(retrieveFile(ctx, token, target, session.dataKey!)).rejects.toMatchObject({
      reason: 'client.integrity',
    });
    expect(await readFile(target, 'utf8')).toBe('keep me');
    proxy.mode = undefined;
    await retrieveFile(ctx, token, target, session.dataKey!);
    expect((await stat(target)).size).toBe(size);
  });
});
