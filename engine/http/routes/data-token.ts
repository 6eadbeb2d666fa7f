import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  configureFileMeta,
  configureSecurityRiskMeta,
  deleteData,
  listDataTokens,
  reserveTokenSpace,
  retrieveTemporaryDataToken,
  transactionCountStatistics,
  updateDataToken,
  type FileMeta,
} from '../../domain/data-token.ts';
import { exchangeDataForToken, requestData } from '../../domain/data-transfer.ts';
import type { DataTokenQuery } from '../../store/data-store.ts';
import { isoSeconds } from '../../time.ts';
import { integer, text } from '../field-schemas.ts';
import { fileExtension, reference } from '../resource-fields.ts';
import { accepted, route } from '../route.ts';

type TokenRef = { token: string };

/** `folder` with any trailing slashes dropped ("/tax/" is "/tax"; "/" stays the root). */
function folderPath(folder: string): string {
  const trimmed = folder.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
const tokenRef = { fields: { token: reference } } as const;

export function registerDataTokenRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ context: string; ttl?: number; meta?: string }>(
    app,
    ctx,
    'data-token.reserve-token-space',
    {
      fields: { context: text(1, 1024), ttl: integer(1, 1440), meta: text(0, 4096) },
      handler: async ({ input, caller, reply }) =>
        accepted(reply, await reserveTokenSpace(ctx, caller, input)),
    },
  );

  route(app, ctx, 'data-token.retrieve-temporary-data-token', {
    handler: async ({ params, caller }) => {
      const reservation = await retrieveTemporaryDataToken(ctx, caller, params.commandId ?? '');
      return {
        token: reservation.token,
        stream: reservation.stream,
        expiresAt: isoSeconds(reservation.expiresAt),
      };
    },
  });

  route<{ temporaryTokenSpace: string; data: string }>(
    app,
    ctx,
    'data-token.exchange-data-for-token',
    {
      fields: { temporaryTokenSpace: reference, data: { type: 'string', minLength: 1 } },
      handler: async ({ input, caller, reply }) =>
        accepted(
          reply,
          await exchangeDataForToken(ctx, caller, input.temporaryTokenSpace, input.data),
        ),
    },
  );

  route<TokenRef>(app, ctx, 'data-token.request-data', {
    ...tokenRef,
    handler: async ({ input, caller, reply }) => {
      const requestId = await requestData(ctx, caller, input.token);
      // Contract §7: the request id is the command id.
      void reply.header('X-DPT-CAB-REQUEST-ID', requestId);
      return accepted(reply, requestId);
    },
  });

  route<FileMeta>(app, ctx, 'data-token.configure-file-meta', {
    fields: {
      token: reference,
      fileName: text(1, 255),
      extension: fileExtension,
      context: text(1, 1024),
      size: integer(0, Number.MAX_SAFE_INTEGER),
      path: text(0, 1024),
    },
    handler: async ({ input, caller }) => configureFileMeta(ctx, caller, input),
  });

  route<Record<string, unknown>>(app, ctx, 'data-token.configure-information-security-risk-meta', {
    ...tokenRef,
    // Contract §7: the other fields form the free-form set (checked by the domain).
    additional: true,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await configureSecurityRiskMeta(ctx, caller, input)),
  });

  route<Partial<DataTokenQuery> & { context?: string; folder?: string; q?: string }>(
    app,
    ctx,
    'data-token.list-data-tokens',
    {
      fields: {
        page: integer(1, 1_000_000),
        perPage: integer(1, 500),
        context: text(0, 1024),
        folder: text(1, 1024),
        q: text(0, 255),
        sort: { type: 'string', enum: ['createdAt', 'fileName', 'size'] },
        order: { type: 'string', enum: ['asc', 'desc'] },
      },
      handler: async ({ input, caller }) => {
        const query: DataTokenQuery = {
          page: input.page ?? 1,
          perPage: input.perPage ?? 25,
          contextPrefix: input.context,
          folder: input.folder === undefined ? undefined : folderPath(input.folder),
          fileNameContains: input.q,
          sort: input.sort ?? 'createdAt',
          order: input.order ?? 'desc',
        };
        const found = await listDataTokens(ctx, caller, query);
        return {
          items: found.items.map(({ record, token }) => ({
            token,
            context: record.context,
            fileName: record.fileName,
            extension: record.extension,
            size: record.plainSize,
            path: record.path,
            meta: record.meta,
            createdAt: isoSeconds(record.finalizedAt!),
            updatedAt: isoSeconds(record.updatedAt ?? record.finalizedAt!),
            securityRiskMeta: record.riskMeta,
          })),
          meta: { count: found.count, page: query.page, perPage: query.perPage },
        };
      },
    },
  );

  route<{ token: string; fileName?: string; extension?: string; context?: string; path?: string }>(
    app,
    ctx,
    'data-token.update-data-token',
    {
      fields: {
        token: reference,
        fileName: text(1, 255),
        extension: fileExtension,
        context: text(1, 1024),
        path: text(0, 1024),
      },
      handler: async ({ input, caller, reply }) => {
        const { token, fileName, extension, context, path } = input;
        return accepted(
          reply,
          await updateDataToken(ctx, caller, token, { fileName, extension, context, path }),
        );
      },
    },
  );

  route<TokenRef>(app, ctx, 'data-token.delete-data', {
    ...tokenRef,
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await deleteData(ctx, caller, input.token)),
  });

  route<{ from?: string; to?: string }>(app, ctx, 'data-token.transaction-count-statistics', {
    fields: { from: text(0, 32), to: text(0, 32) },
    handler: async ({ input, caller }) =>
      transactionCountStatistics(ctx, caller, input.from, input.to),
  });
}
