// retrieveFile's tolerant paths, with a scripted engine: the payload inline in the request
// message (output_type 0), a tampered inline payload, and a rejected request.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOutcome, SessionChannel } from '../../../../client/channel.ts';
import { encryptBuffer } from '../../../../client/crypto/gcm-stream.ts';
import { describeClientError } from '../../../../client/describe-client-error.ts';
import { HttpClient } from '../../../../client/http.ts';
import { retrieveFile } from '../../../../client/vault/retrieve-file.ts';
import type { VaultContext } from '../../../../client/vault/vault-context.ts';

let server: Server;
let http: HttpClient;
let dir: string;
const key = randomBytes(32);
let nextOutcome: RequestOutcome;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'privicore-retrieve-'));
  // request-data: 202 with the id as header and body.
  server = createServer((_request, response) => {
    response
      .writeHead(202, {
        'content-type': 'application/json',
        'x-dpt-cab-id': 'req-1',
        'x-dpt-cab-request-id': 'req-1',
      })
      .end('["req-1"]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  http = new HttpClient({
    apiUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    token: () => 'T-x',
  });
});

afterAll(async () => {
  http.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function context(): VaultContext {
  const channel = {
    epoch: 1,
    forget: () => undefined,
    // No policy holds a request of this scripted engine.
    on: () => () => undefined,
    holdsOf: () => [],
    waitRequest: async (id: string) => {
      expect(id).toBe('req-1');
      return nextOutcome;
    },
  } as unknown as SessionChannel;
  return { http, channel, run: () => Promise.reject(new Error('unused')) };
}

describe('retrieveFile (scripted engine)', () => {
  it('decrypts a payload sent inline in the request message', async () => {
    const plaintext = randomBytes(5000);
    nextOutcome = { status: 2, source: { kind: 'inline', data: encryptBuffer(key, plaintext) } };
    const target = join(dir, 'inline.bin');
    expect(await retrieveFile(context(), 'D-x', target, key)).toEqual({ target, size: 5000 });
    expect((await readFile(target)).equals(plaintext)).toBe(true);
  });

  it('refuses a tampered inline payload and writes nothing', async () => {
    const sealed = encryptBuffer(key, randomBytes(100));
    sealed[50]! ^= 0x80;
    nextOutcome = { status: 2, source: { kind: 'inline', data: sealed } };
    await expect(retrieveFile(context(), 'D-x', join(dir, 'bad.bin'), key)).rejects.toMatchObject({
      reason: 'client.integrity',
    });
    expect(
      (await readdir(dir)).filter((name) => name.startsWith('.bad.bin') || name === 'bad.bin'),
    ).toEqual([]);
  });

  it('surfaces a rejected request with its reason', async () => {
    nextOutcome = { status: 3, reason: 'storage.unavailable' };
    await expect(retrieveFile(context(), 'D-x', join(dir, 'none.bin'), key)).rejects.toMatchObject({
      reason: 'storage.unavailable',
      commandId: 'req-1',
    });
  });

  it('names a missing folder as a missing folder, before asking the engine, never the temp file', async () => {
    let asked = false;
    const ctx = context();
    const watched = {
      ...ctx,
      channel: {
        ...ctx.channel,
        epoch: 1,
        forget: () => undefined,
        waitRequest: async () => {
          asked = true;
          return nextOutcome;
        },
      } as unknown as SessionChannel,
    };
    nextOutcome = {
      status: 2,
      source: { kind: 'inline', data: encryptBuffer(key, randomBytes(10)) },
    };
    const folder = join(dir, 'gone', 'deeper');
    const error = await retrieveFile(watched, 'D-x', join(folder, 'a.txt'), key).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ reason: 'client.target_folder_missing' });
    expect(asked).toBe(false);
    const words = describeClientError(error).message;
    expect(words).toBe(
      `The folder ${folder} is not there any more. Choose another place to save the file.`,
    );
    expect(words).not.toMatch(/partial|not found|ENOENT/);
  });

  it('refuses a target that is a folder in plain words, not EISDIR', async () => {
    nextOutcome = {
      status: 2,
      source: { kind: 'inline', data: encryptBuffer(key, randomBytes(10)) },
    };
    const target = join(dir, 'a-folder');
    await mkdir(target);
    const error = await retrieveFile(context(), 'D-x', target, key).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'client.target_is_folder' });
    const words = describeClientError(error).message;
    expect(words).toBe('a-folder is a folder. Choose another name to save the file under.');
    expect(words).not.toMatch(/EISDIR|partial/);
  });
});
