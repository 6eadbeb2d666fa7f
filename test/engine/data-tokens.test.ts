import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBundle } from '../../engine/devices/device-bundle.ts';
import type { RunningStorageDevice } from '../../engine/devices/storage-device.ts';
import { discardExpiredReservations } from '../../engine/domain/data-token.ts';
import { TestChannel } from '../support/channel.ts';
import {
  decrypt,
  download,
  encrypt,
  finalize,
  requestDownload,
  reserve,
  storeInline,
  storeRandom,
} from '../support/data-tokens.ts';
import { startTestEngine } from '../support/engine.ts';
import { wire, type Wire } from '../support/http.ts';
import { createProfile, type TestProfile } from '../support/profiles.ts';
import {
  addStorageDevice,
  eventually,
  heldItems,
  runCommand,
  startDevice,
} from '../support/storage-devices.ts';

/** Data-token endpoints (contract §7) on a real engine with one real storage device runtime. */
let clockOffset = 0;
let engine: Awaited<ReturnType<typeof startTestEngine>>;
let api: Wire;
let owner: TestProfile;
let channel: TestChannel;
let device: RunningStorageDevice & { dir: string };
let deviceBundle: DeviceBundle;

const MINUTE = 60_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

beforeAll(async () => {
  engine = await startTestEngine({ now: () => Date.now() + clockOffset, holderWaitMs: 300 });
  api = wire(engine.apiUrl);
  owner = await createProfile(api);
  channel = await TestChannel.open(engine.wsUrl);
  await channel.join(owner.token);
  deviceBundle = (await addStorageDevice(api, owner.token)).bundle;
  device = await startDevice(deviceBundle);
});
afterAll(async () => {
  channel?.close();
  await device?.stop();
  await engine?.close();
});

async function outcome(id: string) {
  return (await channel.commandOutcome(id)).data!;
}

describe('reserve and exchange', () => {
  it('reserves token space: status 2 carries the temporary token, stream URL and expiry', async () => {
    const before = Date.now();
    const response = await api.post(
      '/data-token/reserve-token-space',
      { context: '/finance/2026' },
      owner.token,
    );
    expect(response.status).toBe(202);
    const result = await outcome(response.headers.get('x-dpt-cab-id')!);
    expect(result).toMatchObject({
      command_status: 2,
      body: {
        token: expect.stringMatching(/^P-[A-Za-z0-9_-]{43}$/),
        stream: expect.stringMatching(
          new RegExp(`^${engine.apiUrl}/upstream/\\?auth=U-[A-Za-z0-9_-]{43}$`),
        ),
        expiresAt: expect.stringMatching(ISO),
      },
    });
    const body = result.body as { token: string; stream: string; expiresAt: string };
    const after = Date.now();
    // Default ttl: 5 minutes from when the engine reserved it, in whole seconds (contract §1.3).
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor((before + 5 * MINUTE) / 1000) * 1000);
    expect(expiresAt).toBeLessThanOrEqual(after + 5 * MINUTE);
    const again = await api.get(
      `/data-token/retrieve-temporary-data-token/${response.headers.get('x-dpt-cab-id')}`,
      owner.token,
    );
    expect(again.body).toEqual(body);
  });

  it('exchanges base64 with or without padding and returns size and device count', async () => {
    for (const bytes of [Buffer.from('a'), Buffer.from('ab'), randomBytes(1024 * 1024)]) {
      const reservation = await reserve(api, owner.token);
      const data = bytes.toString('base64').replace(/=+$/, '');
      const response = await api.post(
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data },
        owner.token,
      );
      expect(response.status).toBe(202);
      expect(await outcome(response.headers.get('x-dpt-cab-id')!)).toMatchObject({
        command_status: 2,
        body: { size: bytes.length, storageDevices: 1 },
      });
    }
  });

  it('refuses oversized, malformed and repeated data', async () => {
    const reservation = await reserve(api, owner.token);
    const tooLarge = await api.post(
      '/data-token/exchange-data-for-token',
      {
        temporaryTokenSpace: reservation.token,
        data: randomBytes(1024 * 1024 + 1).toString('base64'),
      },
      owner.token,
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ status: 413, reason: 'data_token.too_large' });
    for (const data of ['not base64!', 'A', 'AAAAA===', '====']) {
      const bad = await api.post(
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data },
        owner.token,
      );
      expect(bad.status, data).toBe(422);
      expect(bad.body).toMatchObject({
        reason: 'validation.failed',
        errors: { data: expect.any(Array) },
      });
    }
    expect(
      (
        await runCommand(
          api,
          '/data-token/exchange-data-for-token',
          { temporaryTokenSpace: reservation.token, data: 'AAAA' },
          owner.token,
        )
      ).outcome,
    ).toBe('succeeded');
    const repeated = await api.post(
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: 'AAAA' },
      owner.token,
    );
    expect(repeated.status).toBe(409);
    expect(repeated.body).toMatchObject({ status: 409, reason: 'data_token.already_exchanged' });
  });

  it('rejects a store with storage.none_registered or storage.unavailable and lets the reservation be reused', async () => {
    const other = await createProfile(api);
    const otherChannel = await TestChannel.open(engine.wsUrl);
    await otherChannel.join(other.token);
    try {
      const reservation = await reserve(api, other.token);
      const none = await runCommand(
        api,
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data: 'AAAA' },
        other.token,
      );
      expect(none.outcome).toBe('rejected');
      expect((await otherChannel.commandOutcome(none.id)).data!.body).toBe(
        'storage.none_registered',
      );

      const { bundle } = await addStorageDevice(api, other.token, 'Offline NAS');
      const offline = await runCommand(
        api,
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data: 'AAAA' },
        other.token,
      );
      expect((await otherChannel.commandOutcome(offline.id)).data!.body).toBe(
        'storage.unavailable',
      );

      const runtime = await startDevice(bundle);
      const stored = await runCommand(
        api,
        '/data-token/exchange-data-for-token',
        { temporaryTokenSpace: reservation.token, data: 'AAAA' },
        other.token,
      );
      expect(stored.outcome).toBe('succeeded');
      await runtime.stop();
    } finally {
      otherChannel.close();
    }
  });
});

describe('configure-file-meta', () => {
  it('needs stored data (409 data_token.no_data)', async () => {
    const reservation = await reserve(api, owner.token);
    const response = await api.post(
      '/data-token/configure-file-meta',
      { token: reservation.token, fileName: 'x', size: '1' },
      owner.token,
    );
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ status: 409, reason: 'data_token.no_data' });
  });

  it('makes a permanent token once; a repeat within 24 h returns it and changes nothing', async () => {
    const reservation = await reserve(api, owner.token, {
      context: '/docs',
      meta: 'kept with the token',
    });
    await runCommand(
      api,
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: 'AAAA' },
      owner.token,
    );
    const first = await api.post(
      '/data-token/configure-file-meta',
      {
        token: reservation.token,
        fileName: 'report',
        extension: 'pdf',
        size: '48213',
        path: '/docs',
      },
      owner.token,
    );
    expect(first.status).toBe(200);
    const token = (first.body as { token: string }).token;
    expect(token).toMatch(/^D-[A-Za-z0-9_-]{43}$/);
    const repeat = await api.post(
      '/data-token/configure-file-meta',
      { token: reservation.token, fileName: 'changed', size: '1' },
      owner.token,
    );
    expect(repeat.body).toEqual({ token });
    const listed = (await api.get('/data-token/list-data-tokens?q=report', owner.token)).body as {
      items: Record<string, unknown>[];
    };
    expect(listed.items.find((item) => item.token === token)).toEqual({
      token,
      context: '/docs',
      fileName: 'report',
      extension: 'pdf',
      size: 48213,
      path: '/docs',
      meta: 'kept with the token',
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      securityRiskMeta: null,
    });
    // The temporary token is finalised: no longer retrievable, no second exchange.
    expect(
      (
        await api.get(
          `/data-token/retrieve-temporary-data-token/${reservation.commandId}`,
          owner.token,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await api.post(
          '/data-token/exchange-data-for-token',
          { temporaryTokenSpace: reservation.token, data: 'AAAA' },
          owner.token,
        )
      ).status,
    ).toBe(409);
    clockOffset += 25 * 60 * MINUTE;
    try {
      // The profile token (8 h) has expired by then; a fresh sign-in acts for the owner.
      const fresh = (
        (
          await api.post('/profile/authenticate', {
            username: owner.username,
            password: owner.password,
          })
        ).body as { authorizationToken: string }
      ).authorizationToken;
      const late = await api.post(
        '/data-token/configure-file-meta',
        { token: reservation.token, fileName: 'late', size: '1' },
        fresh,
      );
      expect(late.body).toMatchObject({ status: 404, reason: 'data_token.not_found' });
    } finally {
      clockOffset -= 25 * 60 * MINUTE;
    }
  });
});

describe('reservation expiry', () => {
  it('restarts the clock when data is stored', async () => {
    const reservation = await reserve(api, owner.token, { ttl: '1' });
    clockOffset += 50_000;
    await runCommand(
      api,
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: 'AAAA' },
      owner.token,
    );
    clockOffset += 50_000;
    try {
      expect(
        (
          await api.get(
            `/data-token/retrieve-temporary-data-token/${reservation.commandId}`,
            owner.token,
          )
        ).status,
      ).toBe(200);
      expect(await discardExpiredReservations(engine.ctx)).toBe(0);
      await finalize(api, owner.token, reservation.token);
    } finally {
      clockOffset -= 100_000;
    }
  });

  it('discards the stored data of a reservation that expires before configure-file-meta', async () => {
    const reservation = await reserve(api, owner.token, { ttl: '1' });
    const before = new Set(heldItems(device.dir).keys());
    await runCommand(
      api,
      '/data-token/exchange-data-for-token',
      { temporaryTokenSpace: reservation.token, data: randomBytes(5000).toString('base64') },
      owner.token,
    );
    const blob = [...heldItems(device.dir).keys()].find((item) => !before.has(item))!;
    expect(blob).toBeDefined();
    clockOffset += 2 * MINUTE;
    try {
      expect(await discardExpiredReservations(engine.ctx)).toBeGreaterThanOrEqual(1);
      await eventually(() => !heldItems(device.dir).has(blob), 'the expired data left the device');
      expect(
        (
          await api.get(
            `/data-token/retrieve-temporary-data-token/${reservation.commandId}`,
            owner.token,
          )
        ).status,
      ).toBe(404);
      const meta = await api.post(
        '/data-token/configure-file-meta',
        { token: reservation.token, fileName: 'x', size: '1' },
        owner.token,
      );
      expect(meta.body).toMatchObject({ status: 404, reason: 'data_token.not_found' });
      expect((await api.post(reservation.stream.replace(engine.apiUrl, ''), {})).status).toBe(401);
    } finally {
      clockOffset -= 2 * MINUTE;
    }
  });
});

describe('request-data', () => {
  it('sends the download URL before status 2 and serves the exact bytes with a sha256 ETag', async () => {
    const key = randomBytes(32);
    const plaintext = randomBytes(700_000);
    const ciphertext = encrypt(key, plaintext);
    const dataToken = await storeInline(api, owner.token, ciphertext, {
      context: '/photos',
      size: String(plaintext.length),
    });
    const response = await api.post('/data-token/request-data', { token: dataToken }, owner.token);
    expect(response.status).toBe(202);
    const requestId = response.headers.get('x-dpt-cab-request-id')!;
    expect(response.headers.get('x-dpt-cab-id')).toBe(requestId);
    const done = await channel.commandOutcome(requestId);
    expect(done.data).toMatchObject({ command_status: 2, body: { requestId } });
    const urlMessage = channel.frames.findIndex(
      (frame) => frame.data?.type === 'X-DPT-CAB-REQUEST-ID' && frame.data.id === requestId,
    );
    expect(urlMessage).toBeGreaterThanOrEqual(0);
    expect(urlMessage).toBeLessThan(channel.frames.indexOf(done));
    const message = channel.frames[urlMessage]!.data!;
    expect(message).toEqual({
      type: 'X-DPT-CAB-REQUEST-ID',
      id: requestId,
      command_status: 2,
      output_type: 1,
      body: expect.stringMatching(
        new RegExp(`^${engine.apiUrl}/downstream/\\?auth=U-[A-Za-z0-9_-]{43}$`),
      ),
      data_context: '/photos',
    });
    const got = await download(message.body as string);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-length')).toBe(String(ciphertext.length));
    expect(got.headers.get('etag')).toBe(
      `"${createHash('sha256').update(ciphertext).digest('hex')}"`,
    );
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(decrypt(key, got.bytes).equals(plaintext)).toBe(true);
  });

  it('fails with storage.unavailable on both messages when no holder comes online', async () => {
    const { dataToken } = await storeRandom(api, owner.token, 1000);
    await device.stop();
    try {
      const response = await api.post(
        '/data-token/request-data',
        { token: dataToken },
        owner.token,
      );
      const requestId = response.headers.get('x-dpt-cab-request-id')!;
      expect(await outcome(requestId)).toMatchObject({
        command_status: 3,
        body: 'storage.unavailable',
      });
      const message = channel.frames.find(
        (frame) => frame.data?.type === 'X-DPT-CAB-REQUEST-ID' && frame.data.id === requestId,
      )!;
      expect(message.data).toEqual({
        type: 'X-DPT-CAB-REQUEST-ID',
        id: requestId,
        command_status: 3,
        output_type: 0,
        body: 'storage.unavailable',
        data_context: '/test',
      });
    } finally {
      device = await startDevice(deviceBundle, device.dir);
    }
  });
});

describe('request-data when no device holds the data any more', () => {
  it('fails at once with storage.none_registered after the last storage device is removed', async () => {
    const alone = await createProfile(api);
    const aloneChannel = await TestChannel.open(engine.wsUrl);
    await aloneChannel.join(alone.token);
    const added = await addStorageDevice(api, alone.token, 'Only NAS');
    const only = await startDevice(added.bundle);
    try {
      const { dataToken } = await storeRandom(api, alone.token, 1000);
      const removed = await runCommand(
        api,
        '/storage/remove',
        { deviceIdentifier: added.deviceId },
        alone.token,
      );
      expect(removed.outcome).toBe('succeeded');
      // This engine waits 300 ms for a holder; storage.none_registered is not that wait's answer.
      const response = await api.post(
        '/data-token/request-data',
        { token: dataToken },
        alone.token,
      );
      const requestId = response.headers.get('x-dpt-cab-request-id')!;
      expect((await aloneChannel.commandOutcome(requestId)).data).toMatchObject({
        command_status: 3,
        body: 'storage.none_registered',
      });
    } finally {
      aloneChannel.close();
      await only.stop();
    }
  });
});

describe('list, update, security-risk meta, delete', () => {
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const specs: [string, string, string, string][] = [
      ['Alpha', 'txt', '/list/a', '30'],
      ['beta', 'pdf', '/list/a/deep', '10'],
      ['Gamma', 'png', '/list/b', '20'],
      ['alphabet', 'doc', '/other', '40'],
    ];
    for (const [fileName, extension, context, size] of specs) {
      tokens[fileName] = await storeInline(api, owner.token, randomBytes(16), {
        fileName,
        extension,
        context,
        size,
      });
    }
  });

  async function list(query: string) {
    const response = await api.get(`/data-token/list-data-tokens${query}`, owner.token);
    expect(response.status).toBe(200);
    return response.body as {
      items: {
        token: string;
        fileName: string;
        size: number;
        securityRiskMeta: unknown;
        path: string | null;
      }[];
      meta: { count: number; page: number; perPage: number };
    };
  }

  it('filters by context prefix and file name, sorts and pages', async () => {
    const inList = await list('?context=/list&sort=fileName&order=asc');
    expect(inList.items.map((item) => item.fileName)).toEqual(['Alpha', 'beta', 'Gamma']);
    expect(inList.meta).toEqual({ count: 3, page: 1, perPage: 25 });
    expect(
      (await list('?context=/list/a&sort=size&order=desc')).items.map((item) => item.fileName),
    ).toEqual(['Alpha', 'beta']);
    expect(
      (await list('?q=ALPHA&sort=fileName&order=asc')).items.map((item) => item.fileName),
    ).toEqual(['Alpha', 'alphabet']);
    const page = await list('?context=/list&sort=size&order=asc&perPage=2&page=2');
    expect(page.items.map((item) => item.fileName)).toEqual(['Alpha']);
    expect(page.meta).toEqual({ count: 3, page: 2, perPage: 2 });
    const newestFirst = await list('?context=/list');
    expect(newestFirst.items.map((item) => item.fileName)).toEqual(['Gamma', 'beta', 'Alpha']);
  });

  it('lists a folder and its subfolders, never a sibling sharing its prefix (folder extension)', async () => {
    for (const [fileName, context] of <[string, string][]>[
      ['t1', '/tax'],
      ['t2', '/tax/2026'],
      ['t3', '/taxes'],
      ['t4', '/tax/2026/q1'],
      ['t5', '/taxes/2026'],
    ]) {
      await storeInline(api, owner.token, randomBytes(8), { fileName, context, size: '8' });
    }
    const names = async (query: string) =>
      (await list(`?${query}&sort=fileName&order=asc&perPage=500`)).items.map(
        (item) => item.fileName,
      );
    expect(await names('folder=/tax')).toEqual(['t1', 't2', 't4']);
    expect(await names('folder=/tax/')).toEqual(['t1', 't2', 't4']);
    expect(await names('folder=/tax/2026')).toEqual(['t2', 't4']);
    expect(await names('folder=/taxes')).toEqual(['t3', 't5']);
    // The contract's raw prefix is unchanged.
    expect(await names('context=/tax')).toEqual(['t1', 't2', 't3', 't4', 't5']);
    // Count and pagination follow the folder filter.
    const page = await list('?folder=/tax&sort=fileName&order=asc&perPage=2&page=2');
    expect(page.items.map((item) => item.fileName)).toEqual(['t4']);
    expect(page.meta).toEqual({ count: 3, page: 2, perPage: 2 });
    // Combined with a name search.
    expect(await names('folder=/tax&q=T2')).toEqual(['t2']);
    const empty = await api.get('/data-token/list-data-tokens?folder=', owner.token);
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ reason: 'validation.failed' });
  });

  it('finds a file by the name people see: extension, full name and decomposed forms', async () => {
    for (const [fileName, extension] of <[string, string | null][]>[
      ['report', 'pdf'],
      ['report-draft', 'docx'],
      ['Cafe\u0301 menu', 'txt'],
      ['notes', null],
    ]) {
      await storeInline(api, owner.token, randomBytes(8), {
        fileName,
        ...(extension ? { extension } : {}),
        context: '/search',
        size: '8',
      });
    }
    const names = async (q: string) =>
      (await list(`?folder=/search&q=${encodeURIComponent(q)}&sort=fileName&order=asc`)).items.map(
        (item) => item.fileName,
      );
    expect(await names('report.pdf')).toEqual(['report']);
    expect(await names('.pdf')).toEqual(['report']);
    expect(await names('REPORT')).toEqual(['report', 'report-draft']);
    expect(await names('t.docx')).toEqual(['report-draft']);
    // Typed composed (é is one code point), stored decomposed (e + combining acute), and back.
    expect(await names('Caf\u00e9')).toEqual(['Cafe\u0301 menu']);
    expect(await names('CAF\u00c9 MENU.TXT')).toEqual(['Cafe\u0301 menu']);
    expect(await names('cafe\u0301')).toEqual(['Cafe\u0301 menu']);
    expect(await names('notes')).toEqual(['notes']);
    expect((await list('?folder=/search&q=.pdf')).meta.count).toBe(1);
  });

  it('sorts names with numbers by their value, in both directions and across pages', async () => {
    for (const fileName of ['file10', 'file2', 'File11', 'file1', 'file2b', 'file100']) {
      await storeInline(api, owner.token, randomBytes(8), {
        fileName,
        context: '/natural',
        size: '8',
      });
    }
    const names = async (query: string) =>
      (await list(`?folder=/natural&sort=fileName&${query}`)).items.map((item) => item.fileName);
    const ascending = ['file1', 'file2', 'file2b', 'file10', 'File11', 'file100'];
    expect(await names('order=asc')).toEqual(ascending);
    expect(await names('order=desc')).toEqual([...ascending].reverse());
    expect(await names('order=asc&perPage=4&page=2')).toEqual(['File11', 'file100']);
  });

  it('updates metadata only, and needs at least one field', async () => {
    const none = await api.post(
      '/data-token/update-data-token',
      { token: tokens.beta! },
      owner.token,
    );
    expect(none.status).toBe(422);
    const { outcome: done } = await runCommand(
      api,
      '/data-token/update-data-token',
      { token: tokens.beta!, fileName: 'beta-renamed', path: '/new' },
      owner.token,
    );
    expect(done).toBe('succeeded');
    const item = (await list('?q=beta-renamed')).items[0]!;
    expect(item).toMatchObject({
      token: tokens.beta,
      fileName: 'beta-renamed',
      path: '/new',
      size: 10,
    });
    const dotted = await api.post(
      '/data-token/update-data-token',
      { token: tokens.beta!, extension: 'tar.gz' },
      owner.token,
    );
    expect(dotted.status).toBe(422);
  });

  it('replaces the security-risk set, and token alone clears it', async () => {
    const token = tokens.Gamma!;
    const riskMeta = async () => (await list('?q=Gamma')).items[0]!.securityRiskMeta;
    await runCommand(
      api,
      '/data-token/configure-information-security-risk-meta',
      { token, classification: 'confidential', owner: 'finance' },
      owner.token,
    );
    expect(await riskMeta()).toEqual({ classification: 'confidential', owner: 'finance' });
    await runCommand(
      api,
      '/data-token/configure-information-security-risk-meta',
      { token, level: '3' },
      owner.token,
    );
    expect(await riskMeta()).toEqual({ level: '3' });
    await runCommand(
      api,
      '/data-token/configure-information-security-risk-meta',
      { token },
      owner.token,
    );
    expect(await riskMeta()).toBeNull();
    const invalid = await api.post(
      '/data-token/configure-information-security-risk-meta',
      { token, 'no spaces allowed': 'x' },
      owner.token,
    );
    expect(invalid.status).toBe(422);
  });

  it('deletes: the token is gone at status 2 and its bytes leave the device', async () => {
    const before = new Set(heldItems(device.dir).keys());
    const token = await storeInline(api, owner.token, randomBytes(3000));
    const blob = [...heldItems(device.dir).keys()].find((item) => !before.has(item))!;
    expect((await runCommand(api, '/data-token/delete-data', { token }, owner.token)).outcome).toBe(
      'succeeded',
    );
    expect((await api.post('/data-token/request-data', { token }, owner.token)).body).toMatchObject(
      { status: 404, reason: 'data_token.not_found' },
    );
    expect((await api.post('/data-token/delete-data', { token }, owner.token)).status).toBe(404);
    expect((await list('')).items.map((item) => item.token)).not.toContain(token);
    await eventually(() => !heldItems(device.dir).has(blob), 'the deleted bytes left the device');
  });
});

describe('transaction-count-statistics', () => {
  it('counts exchanges, requests and deletes per day', async () => {
    const fresh = await createProfile(api);
    const freshChannel = await TestChannel.open(engine.wsUrl);
    await freshChannel.join(fresh.token);
    try {
      const runtime = await startDevice((await addStorageDevice(api, fresh.token)).bundle);
      const first = await storeInline(api, fresh.token, randomBytes(10));
      await storeInline(api, fresh.token, randomBytes(10));
      await requestDownload(api, freshChannel, fresh.token, first);
      await runCommand(api, '/data-token/delete-data', { token: first }, fresh.token);
      await runtime.stop();

      const response = await api.get('/data-token/transaction-count-statistics', fresh.token);
      expect(response.status).toBe(200);
      const stats = response.body as {
        exchanged: number;
        requested: number;
        deleted: number;
        perDay: { date: string }[];
      };
      expect(stats).toMatchObject({ exchanged: 2, requested: 1, deleted: 1 });
      expect(stats.perDay).toHaveLength(30);
      const today = new Date().toISOString().slice(0, 10);
      expect(stats.perDay.at(-1)).toEqual({ date: today, exchanged: 2, requested: 1, deleted: 1 });

      const ranged = (
        await api.get(
          `/data-token/transaction-count-statistics?from=2026-01-01&to=2026-01-03`,
          fresh.token,
        )
      ).body as typeof stats;
      expect(ranged.perDay.map((day) => day.date)).toEqual([
        '2026-01-01',
        '2026-01-02',
        '2026-01-03',
      ]);
      for (const query of [
        '?from=2026-02-30',
        '?to=yesterday',
        '?from=2026-01-05&to=2026-01-01',
        '?from=2024-01-01&to=2026-01-01',
      ]) {
        const bad = await api.get(`/data-token/transaction-count-statistics${query}`, fresh.token);
        expect(bad.status, query).toBe(422);
      }
    } finally {
      freshChannel.close();
    }
  });
});
