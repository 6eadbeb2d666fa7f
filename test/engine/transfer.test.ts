import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { TestChannel } from '../support/channel.ts';
import {
  decrypt,
  download,
  encrypt,
  finalize,
  requestDownload,
  reserve,
} from '../support/data-tokens.ts';
import { spawnEngine, tempDir, type EngineProcess } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { awaitStatus, commandId, createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  eventually,
  heldItems,
  startDevice,
} from '../support/storage-devices.ts';
import {
  decryptStream,
  encryptStream,
  generatedBytes,
  hashing,
  postStream,
} from '../support/stream-crypto.ts';

/**
 * Upstream and downstream on a real engine process: a large streamed round trip stays
 * byte-identical with the engine's memory flat, bytes at rest never appear verbatim, and the
 * upstream's refusals happen before the body is read.
 */
const dataDir = tempDir();
let engine: EngineProcess;
let api: Wire;
let profile: TestProfile;
let channel: TestChannel;
const devices: (RunningStorageDevice & { dir: string })[] = [];

beforeAll(async () => {
  engine = await spawnEngine(dataDir);
  api = wire(engine.apiUrl);
  profile = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(profile.token);
  for (const name of ['NAS one', 'NAS two']) {
    const { bundle } = await addStorageDevice(api, profile.token, name);
    devices.push(await startDevice(bundle));
  }
}, 60_000);

afterAll(async () => {
  channel?.close();
  await Promise.all(devices.map((device) => device.stop()));
  engine?.child.kill('SIGTERM');
  await engine?.exited;
  // Hundreds of MiB at rest: not left behind in the temp folder.
  await Promise.all(
    [dataDir, ...devices.map((device) => device.dir)].map((dir) =>
      rm(dir, { recursive: true, force: true }),
    ),
  );
});

/** Peak resident memory of the engine process so far (Linux /proc). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

async function uploadOutcome(response: {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}): Promise<string> {
  expect(response.status).toBe(202);
  const id = response.headers['x-dpt-cab-id'] as string;
  return awaitStatus(api, id, 120_000);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('at rest', () => {
  // First in the file, so the folders hold only this item and every file can be searched.
  it('keeps data in every device folder, never the client ciphertext verbatim', async () => {
    const ciphertext = encrypt(randomBytes(32), randomBytes(3 * 1024 * 1024 + 77));
    const reservation = await reserve(api, profile.token);
    const response = await postStream(reservation.stream, [ciphertext], {
      'content-length': String(ciphertext.length),
    });
    expect(await uploadOutcome(response)).toBe('succeeded');

    for (const device of devices) {
      const files = filesUnder(device.dir);
      expect(files.some((file) => file.endsWith('chunks.pack'))).toBe(true);
      const stored = files.map((file) => readFileSync(file));
      expect(stored.reduce((sum, bytes) => sum + bytes.length, 0)).toBeGreaterThan(
        ciphertext.length,
      );
      // Every 64-byte window at a 16 KiB stride: any verbatim stretch of a chunk would contain several.
      for (let offset = 0; offset + 64 <= ciphertext.length; offset += 16 * 1024) {
        const window = ciphertext.subarray(offset, offset + 64);
        for (const bytes of stored) expect(bytes.indexOf(window)).toBe(-1);
      }
    }
  });
});

describe('streamed round trip', () => {
  it('moves 200 MiB up and down byte-identically while the engine stays under 200 MiB resident', async () => {
    const size = 200 * 1024 * 1024;
    const key = randomBytes(32);
    const plain = hashing(generatedBytes(size));
    const cipher = hashing(encryptStream(key, plain.stream));
    const reservation = await reserve(api, profile.token, { ttl: '60' });

    expect(await uploadOutcome(await postStream(reservation.stream, cipher.stream))).toBe(
      'succeeded',
    );
    const dataToken = await finalize(api, profile.token, reservation.token, {
      fileName: 'big',
      size: String(size),
    });

    const url = await requestDownload(api, channel, profile.token, dataToken);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(cipher.size()));
    expect(response.headers.get('etag')).toBe(`"${cipher.digest()}"`);
    const body = (async function* () {
      for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>)
        yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    })();
    const roundTrip = await decryptStream(key, body);
    expect(roundTrip).toEqual({ sha256: plain.digest(), size });

    expect(peakRss(engine.child.pid!)).toBeLessThan(200 * 1024 * 1024);
  }, 600_000);
});

describe('upstream', () => {
  it('refuses a missing or unknown transfer token with 401 before reading the body', async () => {
    const missing = await postStream(`${engine.apiUrl}/upstream/`, [Buffer.from('x')]);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ status: 401, reason: 'auth.missing_token' });
    for (const auth of [
      'U-nope',
      `U-${randomBytes(32).toString('base64url')}`,
      `P-${randomBytes(32).toString('base64url')}`,
    ]) {
      const response = await postStream(`${engine.apiUrl}/upstream/?auth=${auth}`, [
        Buffer.from('x'),
      ]);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ status: 401, reason: 'auth.invalid_token' });
    }
  });

  it('takes one upload per reservation (409 afterwards, also once finalised)', async () => {
    const reservation = await reserve(api, profile.token);
    expect(await uploadOutcome(await postStream(reservation.stream, [randomBytes(1000)]))).toBe(
      'succeeded',
    );
    const again = await postStream(reservation.stream, [randomBytes(1000)]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'data_token.already_exchanged' });
    const inline = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: 'AAAA' },
      profile.token,
    );
    expect(inline.status).toBe(409);
    await finalize(api, profile.token, reservation.token);
    expect((await postStream(reservation.stream, [randomBytes(10)])).status).toBe(409);
  });

  it('answers an empty body with 422 and leaves the reservation usable', async () => {
    const reservation = await reserve(api, profile.token);
    const empty = await postStream(reservation.stream, [], { 'content-length': '0' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ reason: 'validation.failed' });
    const chunkedEmpty = await postStream(reservation.stream, []);
    expect(chunkedEmpty.status).toBe(422);
    expect(
      await uploadOutcome(await postStream(reservation.stream, [Buffer.from('now with bytes')])),
    ).toBe('succeeded');
  });

  it('creates no command for an upload cut short, and the reservation can be used again', async () => {
    const reservation = await reserve(api, profile.token);
    const before = devices.map((device) => new Set(heldItems(device.dir).keys()));
    const fragmentLanded = () =>
      devices.some((device, i) =>
        [...heldItems(device.dir).keys()].some((item) => !before[i]!.has(item)),
      );
    const req = request(reservation.stream, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(64 * 1024 * 1024),
      },
    });
    const failed = new Promise<void>((resolve) => req.on('error', () => resolve()));
    req.write(randomBytes(5 * 1024 * 1024));
    // Cut short once the engine has passed some of it on to a device.
    await eventually(fragmentLanded, 'a chunk of the upload reached a device');
    req.destroy();
    await failed;
    // Fragments the devices got are removed again.
    await eventually(
      () =>
        devices.every((device, i) =>
          [...heldItems(device.dir).keys()].every((item) => before[i]!.has(item)),
        ),
      'fragments of the aborted upload are gone',
    );
    const data = randomBytes(4096);
    expect(await uploadOutcome(await postStream(reservation.stream, [data]))).toBe('succeeded');
    const dataToken = await finalize(api, profile.token, reservation.token);
    const got = await download(await requestDownload(api, channel, profile.token, dataToken));
    expect(got.bytes.equals(data)).toBe(true);
  });

  it('reports size and the number of confirming devices at status 2', async () => {
    const reservation = await reserve(api, profile.token);
    const response = await postStream(reservation.stream, [randomBytes(2 * 1024 * 1024 + 1)]);
    const outcome = await channel.commandOutcome(
      commandId({ headers: new Headers(response.headers as Record<string, string>) }),
    );
    expect(outcome.data).toMatchObject({
      command_status: 2,
      body: { size: 2 * 1024 * 1024 + 1, storageDevices: 2 },
    });
  });
});

describe('downstream', () => {
  let dataToken: string;
  let ciphertext: Buffer;
  let key: Buffer;
  let plaintext: Buffer;

  beforeAll(async () => {
    key = randomBytes(32);
    plaintext = randomBytes(2 * 1024 * 1024 + 333);
    ciphertext = encrypt(key, plaintext);
    const reservation = await reserve(api, profile.token);
    expect(await uploadOutcome(await postStream(reservation.stream, [ciphertext]))).toBe(
      'succeeded',
    );
    dataToken = await finalize(api, profile.token, reservation.token, {
      size: String(plaintext.length),
    });
  });

  it('serves single ranges as 206 across chunk boundaries, suffix and open-ended', async () => {
    const url = await requestDownload(api, channel, profile.token, dataToken);
    const size = ciphertext.length;
    const MiB = 1024 * 1024;
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      [`bytes=${MiB - 10}-${MiB + 9}`, MiB - 10, MiB + 9],
      [`bytes=${2 * MiB}-`, 2 * MiB, size - 1],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=-${size + 50}`, 0, size - 1],
      [`bytes=100-${size + 1000}`, 100, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const got = await download(url, { range });
      expect(got.status, range).toBe(206);
      expect(got.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(got.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(got.bytes.equals(ciphertext.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers several ranges or an unparseable one with the whole body', async () => {
    const url = await requestDownload(api, channel, profile.token, dataToken);
    for (const range of ['bytes=0-10,20-30', 'bytes=abc', 'items=0-5', 'bytes=10-5']) {
      const head = await download(url, { range }, 'HEAD');
      expect(head.status, range).toBe(200);
      expect(head.headers.get('content-length'), range).toBe(String(ciphertext.length));
    }
    const full = await download(url, { range: 'bytes=0-10,20-30' });
    expect(full.status).toBe(200);
    expect(decrypt(key, full.bytes).equals(plaintext)).toBe(true);
  });

  it('answers 416 with the size for a range past the end', async () => {
    const url = await requestDownload(api, channel, profile.token, dataToken);
    for (const range of [
      `bytes=${ciphertext.length}-`,
      `bytes=${ciphertext.length + 5}-${ciphertext.length + 10}`,
      'bytes=-0',
    ]) {
      const got = await download(url, { range });
      expect(got.status, range).toBe(416);
      expect(got.headers.get('content-range'), range).toBe(`bytes */${ciphertext.length}`);
      expect(JSON.parse(got.bytes.toString())).toMatchObject({
        status: 416,
        reason: 'download.range_not_satisfiable',
      });
    }
  });

  it('HEAD and 206 keep the token; a complete 200 spends it', async () => {
    const url = await requestDownload(api, channel, profile.token, dataToken);
    const head = await download(url, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(head.headers.get('content-type')).toBe('application/octet-stream');
    expect(head.headers.get('access-control-allow-origin')).toBe('*');
    expect((await download(url, { range: 'bytes=0-99' })).status).toBe(206);
    expect((await download(url)).status).toBe(200);
    const spent = await download(url);
    expect(spent.status).toBe(401);
    expect(JSON.parse(spent.bytes.toString())).toMatchObject({ reason: 'auth.invalid_token' });
  });

  it('refuses missing and unknown download tokens with 401', async () => {
    const missing = await download(`${engine.apiUrl}/downstream/`);
    expect(JSON.parse(missing.bytes.toString())).toMatchObject({
      status: 401,
      reason: 'auth.missing_token',
    });
    const unknown = await download(
      `${engine.apiUrl}/downstream/?auth=U-${randomBytes(32).toString('base64url')}`,
    );
    expect(JSON.parse(unknown.bytes.toString())).toMatchObject({
      status: 401,
      reason: 'auth.invalid_token',
    });
  });
});
