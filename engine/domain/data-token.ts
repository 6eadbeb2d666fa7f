import type { CommandSpec, GateEvent } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { seal, unseal } from '../crypto/seal.ts';
import { hashToken, looksLikeToken, newToken } from '../crypto/tokens.ts';
import { isId } from '../ids.ts';
import type {
  DataTokenChanges,
  DataTokenQuery,
  DataTokenRecord,
  TransactionKind,
} from '../store/data-store.ts';
import type { StoreRepos } from '../store/store.ts';
import { isoSeconds } from '../time.ts';
import type { Caller } from './authorization.ts';
import { DomainError, invalid, notFound } from './domain-error.ts';
import { freeFormFields } from './free-form-fields.ts';
import { perContext } from './per-context.ts';
import { reconcileDevices, queueRemoval } from './storage.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600_000;
/** Contract §7 configure-file-meta: repeating it within 24 h returns the same token. */
const FINALIZE_REPEAT_MS = DAY_MS;
/** Contract §7 transaction-count-statistics: at most 366 days. */
const MAX_STATISTICS_DAYS = 366;

/** Sealed tokens bind the record and their role, so none can be replayed into another column. */
export const sealPurpose = {
  temporary: (id: string) => `data-token/temporary/${id}`,
  transfer: (id: string) => `data-token/transfer/${id}`,
  permanent: (id: string) => `data-token/permanent/${id}`,
};

export interface Reservation {
  token: string;
  stream: string;
  expiresAt: number;
}

export interface TransactionStatistics {
  exchanged: number;
  requested: number;
  deleted: number;
  perDay: { date: string; exchanged: number; requested: number; deleted: number }[];
}

export const alreadyExchanged = () =>
  new DomainError(
    409,
    'data_token.already_exchanged',
    'Data was already sent for this temporary token; reserve new token space.',
  );

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function countTransaction(
  tx: StoreRepos,
  profileId: string,
  kind: TransactionKind,
  now: number,
): Promise<void> {
  return tx.transactionCounts.increment(profileId, utcDay(now), kind);
}

export function streamUrl(ctx: EngineContext, record: DataTokenRecord): string {
  return `${ctx.urls.apiUrl}/upstream/?auth=${unseal(ctx.secrets.sealKey, record.transferSealed, sealPurpose.transfer(record.id))}`;
}

/**
 * The caller's record behind a temporary token: live (not expired) and not finalised, or
 * finalised less than 24 h ago (configure-file-meta repeats). Anything else is 404.
 */
export async function temporaryToken(
  repos: StoreRepos,
  caller: Caller,
  token: string,
  now: number,
): Promise<DataTokenRecord> {
  if (!looksLikeToken(token, 'P-')) throw notFound.dataToken();
  const record = await repos.dataTokens.byTempHash(hashToken(token));
  if (!record || record.profileId !== caller.profile.id) throw notFound.dataToken();
  const live =
    record.finalizedAt === null
      ? record.expiresAt > now
      : record.finalizedAt + FINALIZE_REPEAT_MS > now;
  if (!live) throw notFound.dataToken();
  return record;
}

/** The caller's record behind a permanent token, or 404. */
export async function permanentToken(
  repos: StoreRepos,
  caller: Caller,
  token: string,
): Promise<DataTokenRecord> {
  if (!looksLikeToken(token, 'D-')) throw notFound.dataToken();
  const record = await repos.dataTokens.byTokenHash(hashToken(token));
  if (!record || record.profileId !== caller.profile.id || record.finalizedAt === null)
    throw notFound.dataToken();
  return record;
}

/**
 * Forgets a data token's bytes inside the caller's transaction: its holdings go, and a removal
 * is queued for every holder and every storage device of the profile (a device may hold a copy
 * the engine never recorded, from an interrupted store). Returns the devices to dispatch to.
 */
export async function forgetBytes(
  tx: StoreRepos,
  record: DataTokenRecord,
  now: number,
): Promise<string[]> {
  if (record.blobId === null) return [];
  const holders = await tx.holdings.removeBlob(record.blobId);
  const storage = (await tx.devices.storageDevices(record.profileId)).map((device) => device.id);
  return queueRemoval(tx, record.blobId, [...holders, ...storage], now);
}

/** The full name a person knows the file by: the stored name and its extension. */
function displayName(record: DataTokenRecord): string {
  return record.extension ? `${record.fileName}.${record.extension}` : (record.fileName ?? '');
}

/**
 * A permanent token's gate event (contract §11 data-token-governance): its context, file name
 * and size as listed (plaintext bytes). Undefined when the token is gone: nothing to vote on.
 */
export async function dataTokenEvent(
  ctx: EngineContext,
  eventId: 'data_token.requested' | 'data_token.deleted',
  dataTokenId: string,
): Promise<GateEvent | undefined> {
  const record = await ctx.store.dataTokens.byId(dataTokenId);
  if (!record || record.finalizedAt === null) return undefined;
  return {
    eventId,
    context: record.context,
    attributes: [
      ['context', record.context],
      ['fileName', displayName(record)],
      ['size', record.plainSize ?? record.size ?? 0],
    ],
  };
}

export const dataTokenCommands = perContext((ctx: EngineContext) => {
  const reserve: CommandSpec<{ context: string; ttlMinutes: number; meta: string | null }> = {
    kind: 'data-token.reserve-token-space',
    restart: 'rerun',
    async commit(tx, { commandId, profileId, payload, now }) {
      // Made here, not at acceptance, so no token ever sits in a command payload.
      const temporary = newToken('P-');
      const transfer = newToken('U-');
      const key = ctx.secrets.sealKey;
      const expiresAt = now + payload.ttlMinutes * MINUTE_MS;
      await tx.dataTokens.insert({
        id: commandId,
        profileId: profileId!,
        context: payload.context,
        meta: payload.meta,
        ttlMs: payload.ttlMinutes * MINUTE_MS,
        tempHash: hashToken(temporary),
        tempSealed: seal(key, temporary, sealPurpose.temporary(commandId)),
        transferHash: hashToken(transfer),
        transferSealed: seal(key, transfer, sealPurpose.transfer(commandId)),
        reservedAt: now,
        expiresAt,
      });
      return {
        ok: true,
        result: {
          token: temporary,
          stream: `${ctx.urls.apiUrl}/upstream/?auth=${transfer}`,
          expiresAt: isoSeconds(expiresAt),
        },
      };
    },
  };

  const update: CommandSpec<{ dataTokenId: string; changes: DataTokenChanges }> = {
    kind: 'data-token.update-data-token',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const record = await tx.dataTokens.byId(payload.dataTokenId);
      if (!record || record.finalizedAt === null)
        return { ok: false, reason: 'data_token.not_found' };
      await tx.dataTokens.update(record.id, payload.changes, now);
      return { ok: true };
    },
  };

  const riskMeta: CommandSpec<{ dataTokenId: string; fields: Record<string, string> }> = {
    kind: 'data-token.configure-information-security-risk-meta',
    restart: 'rerun',
    async commit(tx, { payload, now }) {
      const record = await tx.dataTokens.byId(payload.dataTokenId);
      if (!record || record.finalizedAt === null)
        return { ok: false, reason: 'data_token.not_found' };
      await tx.dataTokens.setRiskMeta(
        record.id,
        Object.keys(payload.fields).length > 0 ? payload.fields : null,
        now,
      );
      return { ok: true };
    },
  };

  const remove: CommandSpec<{ dataTokenId: string }> = {
    kind: 'data-token.delete-data',
    restart: 'rerun',
    // Contract §11 data-token-governance.
    gate: {
      event: async ({ payload }) => dataTokenEvent(ctx, 'data_token.deleted', payload.dataTokenId),
    },
    async commit(tx, { payload, profileId, now }) {
      const record = await tx.dataTokens.byId(payload.dataTokenId);
      // Deleted by a concurrent delete: the token is gone, as asked.
      if (!record) return { ok: true };
      const targets = await forgetBytes(tx, record, now);
      await tx.dataTokens.remove(record.id);
      await countTransaction(tx, profileId!, 'deleted', now);
      // Contract §7: status 2 once the removal is dispatched; no device confirmation awaited.
      return { ok: true, after: () => reconcileDevices(ctx, targets) };
    },
  };

  return { reserve, update, riskMeta, remove };
});

export function reserveTokenSpace(
  ctx: EngineContext,
  caller: Caller,
  input: { context: string; ttl?: number; meta?: string },
): Promise<string> {
  return ctx.commands.accept(dataTokenCommands(ctx).reserve, caller.profile.id, {
    context: input.context,
    ttlMinutes: input.ttl ?? 5,
    meta: input.meta ?? null,
  });
}

/** Contract §7: the reservation a reserve-token-space command of the caller made, while usable. */
export async function retrieveTemporaryDataToken(
  ctx: EngineContext,
  caller: Caller,
  commandId: string,
): Promise<Reservation> {
  if (!isId(commandId)) throw notFound.dataToken();
  const record = await ctx.store.dataTokens.byId(commandId);
  if (
    !record ||
    record.profileId !== caller.profile.id ||
    record.finalizedAt !== null ||
    record.expiresAt <= ctx.now()
  ) {
    throw notFound.dataToken();
  }
  return {
    token: unseal(ctx.secrets.sealKey, record.tempSealed, sealPurpose.temporary(record.id)),
    stream: streamUrl(ctx, record),
    expiresAt: record.expiresAt,
  };
}

export interface FileMeta {
  token: string;
  fileName: string;
  extension?: string;
  context?: string;
  size: number;
  path?: string;
}

/**
 * Contract §7 configure-file-meta: turns a temporary token with stored data into a permanent
 * one. A repeat within 24 h returns the same permanent token and changes nothing.
 */
export async function configureFileMeta(
  ctx: EngineContext,
  caller: Caller,
  input: FileMeta,
): Promise<{ token: string }> {
  const now = ctx.now();
  const found = await temporaryToken(ctx.store, caller, input.token, now);
  const permanent = newToken('D-');
  const record = await ctx.store.atomic(async (tx) => {
    const current = await tx.dataTokens.byId(found.id);
    if (!current) throw notFound.dataToken();
    if (current.finalizedAt !== null) return current;
    if (current.uploadState !== 'stored') {
      throw new DomainError(
        409,
        'data_token.no_data',
        'No data was stored for this temporary token yet: exchange or upload it and wait for status 2.',
      );
    }
    await tx.dataTokens.finalize(current.id, {
      tokenHash: hashToken(permanent),
      tokenSealed: seal(ctx.secrets.sealKey, permanent, sealPurpose.permanent(current.id)),
      fileName: input.fileName,
      extension: input.extension ?? null,
      context: input.context ?? current.context,
      plainSize: input.size,
      path: input.path ?? null,
      at: now,
    });
    return undefined;
  });
  return {
    token: record
      ? unseal(ctx.secrets.sealKey, record.tokenSealed!, sealPurpose.permanent(record.id))
      : permanent,
  };
}

export interface ListedDataToken {
  record: DataTokenRecord;
  token: string;
}

export async function listDataTokens(
  ctx: EngineContext,
  caller: Caller,
  query: DataTokenQuery,
): Promise<{ items: ListedDataToken[]; count: number }> {
  const found = await ctx.store.dataTokens.list(caller.profile.id, query);
  return {
    count: found.count,
    items: found.items.map((record) => ({
      record,
      token: unseal(ctx.secrets.sealKey, record.tokenSealed!, sealPurpose.permanent(record.id)),
    })),
  };
}

export async function updateDataToken(
  ctx: EngineContext,
  caller: Caller,
  token: string,
  requested: DataTokenChanges,
): Promise<string> {
  const changes = Object.fromEntries(
    Object.entries(requested).filter(([, value]) => value !== undefined),
  ) as DataTokenChanges;
  if (Object.keys(changes).length === 0)
    throw invalid('body', 'send at least one of fileName, extension, context, path');
  const record = await permanentToken(ctx.store, caller, token);
  return ctx.commands.accept(dataTokenCommands(ctx).update, caller.profile.id, {
    dataTokenId: record.id,
    changes,
  });
}

/** Contract §7: every field but `token` forms the new set; `token` alone clears it. */
export async function configureSecurityRiskMeta(
  ctx: EngineContext,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<string> {
  const fields = freeFormFields(input, ['token']);
  const record = await permanentToken(ctx.store, caller, String(input.token));
  return ctx.commands.accept(dataTokenCommands(ctx).riskMeta, caller.profile.id, {
    dataTokenId: record.id,
    fields,
  });
}

export async function deleteData(
  ctx: EngineContext,
  caller: Caller,
  token: string,
): Promise<string> {
  const record = await permanentToken(ctx.store, caller, token);
  return ctx.commands.accept(dataTokenCommands(ctx).remove, caller.profile.id, {
    dataTokenId: record.id,
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(value: string, field: string): number {
  const match = DATE.exec(value);
  const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (Number.isNaN(at) || utcDay(at) !== value) throw invalid(field, 'must be a date YYYY-MM-DD');
  return at;
}

export async function transactionCountStatistics(
  ctx: EngineContext,
  caller: Caller,
  from?: string,
  to?: string,
): Promise<TransactionStatistics> {
  const toAt = to !== undefined ? parseDay(to, 'to') : parseDay(utcDay(ctx.now()), 'to');
  const fromAt = from !== undefined ? parseDay(from, 'from') : toAt - 29 * DAY_MS;
  if (fromAt > toAt) throw invalid('from', 'must not be after to');
  const days = Math.round((toAt - fromAt) / DAY_MS) + 1;
  if (days > MAX_STATISTICS_DAYS)
    throw invalid('from', `the range must span at most ${MAX_STATISTICS_DAYS} days`);

  const perDay = Array.from({ length: days }, (_, i) => ({
    date: utcDay(fromAt + i * DAY_MS),
    exchanged: 0,
    requested: 0,
    deleted: 0,
  }));
  const byDate = new Map(perDay.map((day) => [day.date, day]));
  const totals = { exchanged: 0, requested: 0, deleted: 0 };
  for (const row of await ctx.store.transactionCounts.between(
    caller.profile.id,
    utcDay(fromAt),
    utcDay(toAt),
  )) {
    const day = byDate.get(row.day);
    if (!day) continue;
    day[row.kind] += row.count;
    totals[row.kind] += row.count;
  }
  return { ...totals, perDay };
}

/**
 * Contract §7: a reservation that expires before configure-file-meta loses its data. Run
 * periodically (server.ts); removals reach offline devices when they reconnect.
 */
export async function discardExpiredReservations(ctx: EngineContext): Promise<number> {
  const now = ctx.now();
  let discarded = 0;
  for (const expired of await ctx.store.dataTokens.expiredReservations(now)) {
    const targets = await ctx.store.atomic(async (tx) => {
      const record = await tx.dataTokens.byId(expired.id);
      if (
        !record ||
        record.finalizedAt !== null ||
        record.uploadState === 'uploading' ||
        record.uploadState === 'held' ||
        record.expiresAt > now
      )
        return undefined;
      const targets = await forgetBytes(tx, record, now);
      await tx.dataTokens.remove(record.id);
      return targets;
    });
    if (!targets) continue;
    discarded++;
    reconcileDevices(ctx, targets);
  }
  await ctx.store.downloadTokens.pruneBefore(now);
  return discarded;
}
