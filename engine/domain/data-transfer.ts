import type { Readable } from 'node:stream';
import type { CommandInput, CommandSpec } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { hashToken, looksLikeToken, newToken } from '../crypto/tokens.ts';
import { newId } from '../ids.ts';
import type { DataTokenRecord } from '../store/data-store.ts';
import { parseRange } from '../transfer/byte-range.ts';
import { NoIntactCopyError, openBlobRange } from '../transfer/downstream.ts';
import type { FanoutResult } from '../transfer/storage-fanout.ts';
import type { StoreOutcome } from '../transfer/upload-sessions.ts';
import { invalidToken, missingToken, type Caller } from './authorization.ts';
import {
  alreadyExchanged,
  countTransaction,
  dataTokenEvent,
  permanentToken,
  temporaryToken,
} from './data-token.ts';
import { DomainError, invalid } from './domain-error.ts';
import { perContext } from './per-context.ts';
import { queueRemoval, reconcileDevices, storeBytes } from './storage.ts';

/** Contract §7 exchange-data-for-token: 1 byte – 1 MiB decoded. */
const MAX_INLINE_BYTES = 1024 * 1024;
/** Contract §7 download: the token lives 10 minutes. */
const DOWNLOAD_TOKEN_TTL_MS = 10 * 60_000;
const HOLDER_POLL_MS = 500;
/** Standard or URL-safe base64 alphabet, padding optional (checked for length below). */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

interface StorePayload {
  dataTokenId: string;
  blobId: string;
  uploadId: string;
}

export interface DownloadResponse {
  status: 200 | 206;
  headers: Record<string, string>;
  /** Absent for HEAD. */
  body?: Readable;
  /** Call once a 200 body went out completely: the token is then spent. */
  complete(): Promise<void>;
}

const noIntactCopy = () =>
  new DomainError(
    409,
    'storage.no_intact_copy',
    'No online storage device holds an intact copy of the data; bring a holder online and retry.',
  );

/** Store commands (exchange, upstream) share their rules; only the kind differs. */
function storeCommand(ctx: EngineContext, kind: string): CommandSpec<StorePayload, FanoutResult> {
  return {
    kind,
    // The bytes lived in this process only (upload-sessions.ts); recoverInterruptedUploads,
    // run at startup, gives the reservation back.
    restart: { reject: 'storage.unavailable' },
    async prepare({ payload }) {
      const pending = ctx.transfer.uploads.take(payload.uploadId);
      const outcome: StoreOutcome = pending
        ? await pending.catch((): StoreOutcome => ({ ok: false, reason: 'storage.unavailable' }))
        : { ok: false, reason: 'storage.unavailable' };
      if (!outcome.ok) {
        // The reservation may be used again.
        await ctx.store.dataTokens.releaseUpload(payload.dataTokenId);
        return outcome;
      }
      return { ok: true, value: outcome.result };
    },
    // Contract §11 data-token-governance: held once the bytes are on the devices, so a vote
    // that takes minutes (and an engine restart meanwhile) costs no upload.
    gate: {
      afterPrepare: true,
      async event({ payload }, written) {
        const record = await ctx.store.dataTokens.byId(payload.dataTokenId);
        if (!record || !written) return undefined;
        // Contract §12 example: the size is of the bytes stored; no file name exists yet.
        return {
          eventId: 'data_token.exchanged',
          context: record.context,
          attributes: [
            ['context', record.context],
            ['size', written.size],
          ],
        };
      },
      async onHold(tx, { payload }) {
        await tx.dataTokens.markHeld(payload.dataTokenId);
      },
      async abandon(tx, { payload, now }, written) {
        // Voted down: the bytes leave the devices and the reservation may be used again.
        await tx.dataTokens.releaseUpload(payload.dataTokenId);
        const targets = await queueRemoval(
          tx,
          payload.blobId,
          written ? [...written.holders, ...written.skipped] : [],
          now,
        );
        return () => reconcileDevices(ctx, targets);
      },
    },
    async commit(tx, { payload, profileId, now }, written) {
      const record = await tx.dataTokens.byId(payload.dataTokenId);
      const claimed = record?.uploadState === 'uploading' || record?.uploadState === 'held';
      if (!record || !claimed || record.blobId !== payload.blobId) {
        await queueRemoval(tx, payload.blobId, [...written.holders, ...written.skipped], now);
        return { ok: false, reason: 'storage.unavailable' };
      }
      await tx.dataTokens.markStored(record.id, {
        size: written.size,
        chunkSize: written.chunkSize,
        sha256: written.sha256,
        storedAt: now,
        // Contract §7: storing restarts the reservation's clock.
        expiresAt: now + record.ttlMs,
      });
      for (const deviceId of written.holders) await tx.holdings.add(payload.blobId, deviceId, now);
      // A skipped device may hold a fragment: it is cleared before the backfill on reconnect.
      await queueRemoval(tx, payload.blobId, written.skipped, now);
      await countTransaction(tx, profileId!, 'exchanged', now);
      const targets = new Set([...written.holders, ...written.skipped]);
      const latecomers = (await tx.devices.storageDevices(profileId!))
        .map((device) => device.id)
        .filter((id) => !targets.has(id));
      return {
        ok: true,
        result: { size: written.size, storageDevices: written.holders.length },
        // Devices that came online during the store get it now rather than at their next connect.
        after: () => reconcileDevices(ctx, latecomers),
      };
    },
  };
}

export const transferCommands = perContext((ctx: EngineContext) => {
  const exchange = storeCommand(ctx, 'data-token.exchange-data-for-token');
  const upload = storeCommand(ctx, 'data-token.upstream');

  const requestData: CommandSpec<{ dataTokenId: string }> = {
    kind: 'data-token.request-data',
    restart: 'rerun',
    // Contract §11 data-token-governance; a rejection carries the request message too (§7).
    gate: {
      event: async ({ payload }) =>
        dataTokenEvent(ctx, 'data_token.requested', payload.dataTokenId),
      async abandon(tx, input, _prepared, reason) {
        const record = await tx.dataTokens.byId(input.payload.dataTokenId);
        return () => void failRequest(ctx, input, record, reason);
      },
    },
    async prepare(input) {
      const record = await ctx.store.dataTokens.byId(input.payload.dataTokenId);
      if (!record || record.blobId === null)
        return failRequest(ctx, input, record, 'storage.unavailable');
      const holder = await awaitHolder(ctx, record.blobId);
      if (holder === 'none-left') {
        // No device holds it, so none can come online with it: say so now, not after 60 s.
        const devices = await ctx.store.devices.storageDevices(record.profileId);
        const reason = devices.length === 0 ? 'storage.none_registered' : 'storage.unavailable';
        return failRequest(ctx, input, record, reason);
      }
      if (holder === 'timeout') return failRequest(ctx, input, record, 'storage.unavailable');
      return { ok: true, value: undefined };
    },
    async commit(tx, input) {
      const { commandId, profileId, payload, now } = input;
      const record = await tx.dataTokens.byId(payload.dataTokenId);
      if (!record || record.finalizedAt === null)
        return failRequest(ctx, input, record, 'storage.unavailable');
      const transfer = newToken('U-');
      await tx.downloadTokens.insert({
        hash: hashToken(transfer),
        dataTokenId: record.id,
        profileId: record.profileId,
        expiresAt: now + DOWNLOAD_TOKEN_TTL_MS,
        consumedAt: null,
      });
      await countTransaction(tx, profileId!, 'requested', now);
      return {
        ok: true,
        result: { requestId: commandId },
        // Contract §7: the URL message goes out before the command's status 2.
        after: () =>
          ctx.hub.publish(
            { profileId: record.profileId, grantId: input.grantId ?? null },
            {
              type: 'X-DPT-CAB-REQUEST-ID',
              id: commandId,
              command_status: 2,
              output_type: 1,
              body: `${ctx.urls.apiUrl}/downstream/?auth=${transfer}`,
              data_context: record.context,
            },
          ),
      };
    },
  };

  return { exchange, upload, requestData };
});

/** Sends the status-3 request message that precedes the command's own (contract §7). */
function failRequest(
  ctx: EngineContext,
  input: CommandInput<unknown>,
  record: DataTokenRecord | undefined,
  reason: string,
): { ok: false; reason: string } {
  if (record) {
    ctx.hub.publish(
      { profileId: record.profileId, grantId: input.grantId ?? null },
      {
        type: 'X-DPT-CAB-REQUEST-ID',
        id: input.commandId,
        command_status: 3,
        output_type: 0,
        body: reason,
        data_context: record.context,
      },
    );
  }
  return { ok: false, reason };
}

/**
 * Contract §9: `found` once an online holder answered; `timeout` after holderWaitMs without one.
 * `none-left` at once when no device holds the blob at all (the last holder was removed):
 * waiting cannot help, since a device only gets the blob from another holder.
 */
async function awaitHolder(
  ctx: EngineContext,
  blobId: string,
): Promise<'found' | 'timeout' | 'none-left'> {
  const deadline = Date.now() + ctx.transfer.holderWaitMs;
  for (;;) {
    const holders = await ctx.store.holdings.holders(blobId);
    if (holders.length === 0) return 'none-left';
    for (const deviceId of holders) {
      if (!ctx.bus.isOnline(deviceId)) continue;
      try {
        await ctx.bus.getChunk(deviceId, { itemId: blobId, index: 0 });
        return 'found';
      } catch (error) {
        ctx.log.warn({ err: error, deviceId, blobId }, 'holder did not answer');
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, HOLDER_POLL_MS)));
  }
}

/** Contract §7 `data`: base64 with optional padding, 1 byte – 1 MiB decoded. */
export function decodeInlineData(data: string): Buffer {
  // MIME-style base64 breaks its lines; whitespace carries nothing.
  const text = data.replace(/[\r\n\t ]/g, '');
  const unpadded = text.replace(/=+$/, '');
  const wellFormed =
    BASE64.test(text) &&
    (text.length === unpadded.length ? unpadded.length % 4 !== 1 : text.length % 4 === 0);
  if (!wellFormed) throw invalid('data', 'must be base64');
  if (Math.floor((unpadded.length * 3) / 4) > MAX_INLINE_BYTES) {
    throw new DomainError(
      413,
      'data_token.too_large',
      'data holds more than 1 MiB; send larger payloads to the stream URL (POST /upstream).',
    );
  }
  const bytes = Buffer.from(unpadded, 'base64');
  if (bytes.length === 0) throw invalid('data', 'must hold at least 1 byte');
  return bytes;
}

/** Claims the reservation, starts the store and accepts its command. */
async function startStore(
  ctx: EngineContext,
  kind: 'exchange' | 'upload',
  record: DataTokenRecord,
  blobId: string,
  stored: Promise<StoreOutcome>,
): Promise<string> {
  const uploadId = newId();
  ctx.transfer.uploads.add(uploadId, stored);
  try {
    return await ctx.commands.accept(transferCommands(ctx)[kind], record.profileId, {
      dataTokenId: record.id,
      blobId,
      uploadId,
    });
  } catch (error) {
    ctx.transfer.uploads.drop(uploadId);
    await ctx.store.dataTokens.releaseUpload(record.id);
    throw error;
  }
}

export async function exchangeDataForToken(
  ctx: EngineContext,
  caller: Caller,
  temporaryTokenSpace: string,
  data: string,
): Promise<string> {
  const bytes = decodeInlineData(data);
  const record = await temporaryToken(ctx.store, caller, temporaryTokenSpace, ctx.now());
  const blobId = newId();
  if (
    record.finalizedAt !== null ||
    !(await ctx.store.dataTokens.claimUpload(record.id, blobId, ctx.node.incarnation))
  )
    throw alreadyExchanged();
  return startStore(
    ctx,
    'exchange',
    record,
    blobId,
    storeBytes(ctx, record.profileId, blobId, [bytes]),
  );
}

/** The reservation a transfer token opens for upload, checked before any body byte is read. */
async function uploadTarget(ctx: EngineContext, auth: unknown): Promise<DataTokenRecord> {
  if (auth === undefined || auth === '') throw missingToken();
  if (!looksLikeToken(auth, 'U-')) throw invalidToken();
  const record = await ctx.store.dataTokens.byTransferHash(hashToken(auth));
  if (!record) throw invalidToken();
  if (record.finalizedAt !== null || record.uploadState !== 'none') throw alreadyExchanged();
  if (record.expiresAt <= ctx.now()) throw invalidToken();
  return record;
}

/**
 * Contract §7 upstream: streams the body to the storage devices as it arrives and, once the
 * body has ended, accepts the command that reaches status 2 when every device confirmed. An
 * upload cut short creates no command, and its fragments are removed from the devices.
 */
export async function upload(
  ctx: EngineContext,
  auth: unknown,
  body: AsyncIterable<Uint8Array>,
): Promise<string> {
  const record = await uploadTarget(ctx, auth);
  const blobId = newId();
  if (!(await ctx.store.dataTokens.claimUpload(record.id, blobId, ctx.node.incarnation)))
    throw alreadyExchanged();
  let received = 0;
  let bodyEnded!: () => void;
  const ended = new Promise<void>((resolve) => (bodyEnded = resolve));
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const piece of body) {
      received += piece.length;
      yield piece;
    }
    bodyEnded();
  }
  const stored = storeBytes(ctx, record.profileId, blobId, counted());
  try {
    await Promise.race([ended, stored]);
  } catch (error) {
    await ctx.store.dataTokens.releaseUpload(record.id);
    ctx.log.info({ err: error, dataTokenId: record.id }, 'upload ended before its body did');
    throw new DomainError(400, 'request.malformed', 'The upload ended before its body did.');
  }
  if (received === 0) {
    await stored.catch(() => undefined);
    await ctx.store.dataTokens.releaseUpload(record.id);
    throw invalid('body', 'must hold at least 1 byte');
  }
  return startStore(ctx, 'upload', record, blobId, stored);
}

export async function requestData(
  ctx: EngineContext,
  caller: Caller,
  token: string,
): Promise<string> {
  const record = await permanentToken(ctx.store, caller, token);
  return ctx.commands.accept(transferCommands(ctx).requestData, caller.profile.id, {
    dataTokenId: record.id,
  });
}

/**
 * Contract §7 download: checks the transfer token and Range, then (GET) reads the first chunk
 * before answering, so a missing copy is a 409 rather than a short body.
 */
export async function openDownload(
  ctx: EngineContext,
  auth: unknown,
  rangeHeader: string | undefined,
  head: boolean,
): Promise<DownloadResponse> {
  if (auth === undefined || auth === '') throw missingToken();
  if (!looksLikeToken(auth, 'U-')) throw invalidToken();
  const hash = hashToken(auth);
  const token = await ctx.store.downloadTokens.byHash(hash);
  if (!token || token.consumedAt !== null || token.expiresAt <= ctx.now()) throw invalidToken();
  const record = await ctx.store.dataTokens.byId(token.dataTokenId);
  if (!record || record.finalizedAt === null || record.blobId === null || record.size === null)
    throw invalidToken();
  const size = record.size;

  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') {
    throw new DomainError(
      416,
      'download.range_not_satisfiable',
      `The range lies outside the ${size} bytes of the data.`,
      undefined,
      {
        'Content-Range': `bytes */${size}`,
      },
    );
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'content-length': String(end - start + 1),
    etag: `"${record.sha256}"`,
    'accept-ranges': 'bytes',
    ...(range.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  };
  const status = range.kind === 'partial' ? 206 : 200;
  const complete = async () => {
    if (status === 200) await ctx.store.downloadTokens.consume(hash, ctx.now());
  };
  if (head) return { status, headers, complete: async () => undefined };

  const holders = (await ctx.store.holdings.holders(record.blobId)).sort(
    (a, b) => Number(ctx.bus.isOnline(b)) - Number(ctx.bus.isOnline(a)),
  );
  const blob = {
    dataTokenId: record.id,
    blobId: record.blobId,
    size,
    chunkSize: record.chunkSize!,
  };
  try {
    return {
      status,
      headers,
      body: await openBlobRange(ctx.transfer.reader, blob, holders, start, end),
      complete,
    };
  } catch (error) {
    if (error instanceof NoIntactCopyError) throw noIntactCopy();
    throw error;
  }
}

/**
 * Uploads whose node run ended (this process before a restart, or another node that died) lost
 * their bytes, which lived in that process only: the reservations are given back and the
 * fragments removed. Runs at startup and after every heartbeat (cluster/node-run.ts).
 */
export async function recoverInterruptedUploads(ctx: EngineContext): Promise<void> {
  const now = ctx.now();
  const targets = await ctx.store.atomic(async (tx) => {
    const queued = new Set<string>();
    for (const record of await tx.dataTokens.releaseOrphanUploads()) {
      if (record.blobId === null) continue;
      const storage = (await tx.devices.storageDevices(record.profileId)).map(
        (device) => device.id,
      );
      for (const id of await queueRemoval(tx, record.blobId, storage, now)) queued.add(id);
    }
    return queued;
  });
  // Devices that are not connected get the removal when they next connect.
  reconcileDevices(ctx, targets);
}
