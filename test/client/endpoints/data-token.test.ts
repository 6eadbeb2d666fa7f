import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureFileMeta,
  configureInformationSecurityRiskMeta,
  deleteData,
  download,
  exchangeDataForToken,
  listDataTokens,
  requestData,
  reserveTokenSpace,
  retrieveTemporaryDataToken,
  transactionCountStatistics,
  updateDataToken,
  upstream,
} from '../../../client/endpoints/data-token.ts';
import type { VaultSession } from '../../../client/session.ts';
import { signUpVaultUser, startVaultEngine, type VaultUser } from '../../support/vault-engine.ts';

let engine: Awaited<ReturnType<typeof startVaultEngine>>;
let user: VaultUser;
let session: VaultSession;

beforeAll(async () => {
  engine = await startVaultEngine();
  user = await signUpVaultUser(engine);
  session = user.session;
});

afterAll(async () => {
  session.close();
  await engine.close();
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reserve → exchange (inline) → configure-file-meta; the permanent token. */
async function storeInline(data: Buffer, fileName: string, context = '/tests'): Promise<string> {
  const space = await session.run(() => reserveTokenSpace(session.http, { context }));
  await session.run(() =>
    exchangeDataForToken(session.http, { temporaryTokenSpace: space.token, data }),
  );
  return (
    await configureFileMeta(session.http, { token: space.token, fileName, size: data.length })
  ).token;
}

async function fetchBack(token: string): Promise<Buffer> {
  const since = session.channel.epoch;
  const { requestId } = await requestData(session.http, { token });
  const outcome = await session.channel.waitRequest(requestId, { timeoutMs: 30_000, since });
  if (outcome.status !== 2 || outcome.source?.kind !== 'url')
    throw new Error(`no download: ${JSON.stringify(outcome)}`);
  return readAll((await download(session.http, outcome.source.url)).body);
}

describe('data-token endpoints', () => {
  it('reserve-token-space and retrieve-temporary-data-token agree', async () => {
    const accepted = await reserveTokenSpace(session.http, {
      context: '/tests',
      ttl: 10,
      meta: 'kept',
    });
    const acked = await session.run(async () => accepted);
    expect(acked.token).toMatch(/^P-/);
    expect(acked.stream).toMatch(/\/upstream\/?\?auth=U-/);
    expect(await retrieveTemporaryDataToken(session.http, accepted.commandId)).toEqual(acked);
  });

  it('exchange-data-for-token, configure-file-meta, request-data, download (ranges, ETag)', async () => {
    const data = randomBytes(4096);
    const space = await session.run(() => reserveTokenSpace(session.http, { context: '/tests' }));
    const stored = await session.run(() =>
      exchangeDataForToken(session.http, { temporaryTokenSpace: space.token, data }),
    );
    expect(stored).toEqual({ size: data.length, storageDevices: 3 });
    await expect(
      exchangeDataForToken(session.http, { temporaryTokenSpace: space.token, data }),
    ).rejects.toMatchObject({
      status: 409,
      reason: 'data_token.already_exchanged',
    });
    const { token } = await configureFileMeta(session.http, {
      token: space.token,
      fileName: 'blob',
      extension: 'bin',
      size: data.length,
      path: '/p',
    });
    expect(token).toMatch(/^D-/);
    // Idempotent within 24 h.
    expect(
      await configureFileMeta(session.http, {
        token: space.token,
        fileName: 'blob',
        size: data.length,
      }),
    ).toEqual({ token });

    const since = session.channel.epoch;
    const { requestId, commandId } = await requestData(session.http, { token });
    expect(requestId).toBe(commandId);
    const outcome = await session.channel.waitRequest(requestId, { timeoutMs: 30_000, since });
    if (outcome.status !== 2 || outcome.source?.kind !== 'url') throw new Error('no URL');
    const ranged = await download(session.http, outcome.source.url, { range: 'bytes=10-19' });
    expect(ranged.status).toBe(206);
    expect(await readAll(ranged.body)).toEqual(data.subarray(10, 20));
    const whole = await download(session.http, outcome.source.url);
    expect(whole).toMatchObject({
      status: 200,
      contentLength: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    expect(await readAll(whole.body)).toEqual(data);
    // A 200 body sent completely consumes the transfer token.
    await expect(download(session.http, outcome.source.url)).rejects.toMatchObject({
      status: 401,
      reason: 'auth.invalid_token',
    });
  });

  it('upstream streams a raw body of any size', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const space = await session.run(() => reserveTokenSpace(session.http, { context: '/tests' }));
    const stored = await session.run(() =>
      upstream(
        session.http,
        space.stream,
        Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        { contentLength: data.length },
      ),
    );
    expect(stored).toEqual({ size: data.length, storageDevices: 3 });
    await expect(
      upstream(session.http, space.stream, Readable.from([Buffer.from('again')])),
    ).rejects.toMatchObject({ status: 409, reason: 'data_token.already_exchanged' });
    const { token } = await configureFileMeta(session.http, {
      token: space.token,
      fileName: 'big',
      size: data.length,
    });
    expect((await fetchBack(token)).equals(data)).toBe(true);
  });

  it('list, update, security-risk meta, delete; statistics count them', async () => {
    const token = await storeInline(Buffer.from('hello'), 'greeting', '/list/a');
    let list = await listDataTokens(session.http, { context: '/list', perPage: 10 });
    expect(list.meta).toMatchObject({ count: 1, page: 1, perPage: 10 });
    expect(list.items[0]).toMatchObject({
      token,
      fileName: 'greeting',
      context: '/list/a',
      size: 5,
      securityRiskMeta: null,
    });

    await session.run(() =>
      updateDataToken(session.http, {
        token,
        fileName: 'renamed',
        extension: 'txt',
        context: '/list/b',
      }),
    );
    await session.run(() =>
      configureInformationSecurityRiskMeta(session.http, {
        token,
        fields: { classification: 'confidential' },
      }),
    );
    list = await listDataTokens(session.http, { context: '/list/b', q: 'RENAMED' });
    expect(list.items[0]).toMatchObject({
      token,
      fileName: 'renamed',
      extension: 'txt',
      securityRiskMeta: { classification: 'confidential' },
    });

    await session.run(() => deleteData(session.http, { token }));
    expect((await listDataTokens(session.http, { context: '/list' })).meta.count).toBe(0);
    await expect(requestData(session.http, { token })).rejects.toMatchObject({
      status: 404,
      reason: 'data_token.not_found',
    });
    await expect(session.run(() => deleteData(session.http, { token }))).rejects.toMatchObject({
      status: 404,
      reason: 'data_token.not_found',
    });

    const stats = await transactionCountStatistics(session.http);
    expect(stats.exchanged).toBeGreaterThanOrEqual(3);
    expect(stats.requested).toBeGreaterThanOrEqual(2);
    expect(stats.deleted).toBe(1);
    expect(stats.perDay).toHaveLength(30);
  });

  it('validation and unknown tokens fail synchronously with typed errors', async () => {
    await expect(reserveTokenSpace(session.http, { context: '' })).rejects.toMatchObject({
      status: 422,
      reason: 'validation.failed',
      errors: { context: expect.any(Array) },
    });
    await expect(
      retrieveTemporaryDataToken(session.http, '0193a5c2-0000-7000-8000-000000000000'),
    ).rejects.toMatchObject({ status: 404, reason: 'data_token.not_found' });
  });
});
