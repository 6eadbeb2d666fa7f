// Contract §7: data tokens, with the upstream (raw upload) and downstream (download) transfers.

import type { Readable } from 'node:stream';
import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import { readCommandId } from '../command-id.ts';
import type { HttpClient } from '../http.ts';

export interface TemporaryToken {
  /** `P-…` temporary data token. */
  token: string;
  /** Upstream URL including `?auth=`. */
  stream: string;
  expiresAt: string;
}

export interface StoredData {
  /** Ciphertext bytes stored. */
  size: number;
  /** How many storage devices confirmed the write. */
  storageDevices: number;
}

export interface DataTokenRecord {
  token: string;
  context: string;
  fileName: string;
  extension: string | null;
  size: number;
  path: string | null;
  meta: string | null;
  createdAt: string;
  updatedAt: string;
  securityRiskMeta: Record<string, string> | null;
}

export interface DataTokenList {
  items: DataTokenRecord[];
  meta: { count: number; page: number; perPage: number };
}

export interface ListDataTokensQuery {
  page?: number;
  perPage?: number;
  /** Context prefix, raw: "/tax" also matches "/taxes". */
  context?: string;
  /** Extension: a folder and its subfolders ("/tax" matches "/tax" and "/tax/2026", never "/taxes"). */
  folder?: string;
  /** File-name substring, case-insensitive. */
  q?: string;
  sort?: 'createdAt' | 'fileName' | 'size';
  order?: 'asc' | 'desc';
}

export interface FileMeta {
  /** The temporary token. */
  token: string;
  fileName: string;
  extension?: string;
  context?: string;
  /** Plaintext bytes. */
  size: number;
  path?: string;
}

export interface DataTokenUpdate {
  token: string;
  fileName?: string;
  extension?: string;
  context?: string;
  path?: string;
}

export interface AcceptedRequest {
  /** The request id, equal to the command id (contract §1.6). */
  requestId: string;
  commandId: string;
}

export interface Download {
  status: 200 | 206;
  body: Readable;
  /** From Content-Length; undefined when the engine sent none. */
  contentLength: number | undefined;
  /** The SHA-256 hex of the whole ciphertext, from the quoted ETag. */
  sha256: string | undefined;
  contentRange: string | undefined;
}

export interface TransactionCounts {
  exchanged: number;
  requested: number;
  deleted: number;
  perDay: { date: string; exchanged: number; requested: number; deleted: number }[];
}

/** POST /data-token/reserve-token-space: status 2 `{token, stream, expiresAt}`. */
export async function reserveTokenSpace(
  http: HttpClient,
  input: { context: string; ttl?: number; meta?: string },
): Promise<AcceptedCommand<TemporaryToken>> {
  const response = await http.request({
    method: 'POST',
    path: '/data-token/reserve-token-space',
    form: input,
  });
  return acceptCommand(response, (commandId) => retrieveTemporaryDataToken(http, commandId));
}

/** GET /data-token/retrieve-temporary-data-token/{commandId} */
export async function retrieveTemporaryDataToken(
  http: HttpClient,
  commandId: string,
): Promise<TemporaryToken> {
  const path = `/data-token/retrieve-temporary-data-token/${encodeURIComponent(commandId)}`;
  return (await http.request<TemporaryToken>({ method: 'GET', path })).data;
}

/**
 * POST /data-token/exchange-data-for-token: `data` is the ciphertext (1 byte–1 MiB), sent base64.
 * The status-2 body is undefined when only /request-status could tell the outcome.
 */
export async function exchangeDataForToken(
  http: HttpClient,
  input: { temporaryTokenSpace: string; data: Buffer },
): Promise<AcceptedCommand<StoredData | undefined>> {
  const response = await http.request({
    method: 'POST',
    path: '/data-token/exchange-data-for-token',
    form: { temporaryTokenSpace: input.temporaryTokenSpace, data: input.data.toString('base64') },
  });
  return acceptCommand(response, async () => undefined);
}

/**
 * POST <stream URL>: the ciphertext as a raw body of any size. Resolves once the engine has read it
 * all and accepted the command; await the command for the store fan-out.
 */
export async function upstream(
  http: HttpClient,
  streamUrl: string,
  body: Readable,
  options: { contentLength?: number; signal?: AbortSignal } = {},
): Promise<AcceptedCommand<StoredData | undefined>> {
  const response = await http.request({
    method: 'POST',
    path: streamUrl,
    auth: 'none',
    body,
    headers:
      options.contentLength === undefined
        ? {}
        : { 'content-length': String(options.contentLength) },
    signal: options.signal,
  });
  return acceptCommand(response, async () => undefined);
}

/** POST /data-token/request-data: the download URL arrives as an X-DPT-CAB-REQUEST-ID message. */
export async function requestData(
  http: HttpClient,
  input: { token: string },
): Promise<AcceptedRequest> {
  const response = await http.request({
    method: 'POST',
    path: '/data-token/request-data',
    form: input,
  });
  const commandId = readCommandId(response.headers, response.data);
  return { commandId, requestId: response.headers['x-dpt-cab-request-id'] ?? commandId };
}

/** GET <download URL>: the ciphertext as a stream; `range` as in `bytes=a-b`. */
export async function download(
  http: HttpClient,
  url: string,
  options: { range?: string; signal?: AbortSignal } = {},
): Promise<Download> {
  const response = await http.request<Readable>({
    method: 'GET',
    path: url,
    auth: 'none',
    responseType: 'stream',
    headers: {
      accept: 'application/octet-stream',
      ...(options.range ? { range: options.range } : {}),
    },
    signal: options.signal,
  });
  const length = response.headers['content-length'];
  const etag = response.headers['etag']?.replace(/^W\//, '').replace(/"/g, '');
  return {
    status: response.status === 206 ? 206 : 200,
    body: response.data,
    contentLength: length === undefined ? undefined : Number(length),
    sha256: etag && /^[0-9a-f]{64}$/i.test(etag) ? etag.toLowerCase() : undefined,
    contentRange: response.headers['content-range'],
  };
}

/** POST /data-token/configure-file-meta: turns the temporary token into a permanent `D-` token. */
export async function configureFileMeta(
  http: HttpClient,
  input: FileMeta,
): Promise<{ token: string }> {
  return (
    await http.request<{ token: string }>({
      method: 'POST',
      path: '/data-token/configure-file-meta',
      form: { ...input },
    })
  ).data;
}

/** POST /data-token/configure-information-security-risk-meta: replaces the free-form set; none clears it. */
export async function configureInformationSecurityRiskMeta(
  http: HttpClient,
  input: { token: string; fields: Readonly<Record<string, string>> },
): Promise<AcceptedCommand<void>> {
  const form = { ...input.fields, token: input.token };
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/data-token/configure-information-security-risk-meta',
      form,
    }),
  );
}

/** GET /data-token/list-data-tokens */
export async function listDataTokens(
  http: HttpClient,
  query: ListDataTokensQuery = {},
): Promise<DataTokenList> {
  return (
    await http.request<DataTokenList>({
      method: 'GET',
      path: '/data-token/list-data-tokens',
      query: { ...query },
    })
  ).data;
}

/** POST /data-token/update-data-token: metadata only; at least one field. */
export async function updateDataToken(
  http: HttpClient,
  input: DataTokenUpdate,
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({
      method: 'POST',
      path: '/data-token/update-data-token',
      form: { ...input },
    }),
  );
}

/** POST /data-token/delete-data */
export async function deleteData(
  http: HttpClient,
  input: { token: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/data-token/delete-data', form: input }),
  );
}

/** GET /data-token/transaction-count-statistics: `from`/`to` as YYYY-MM-DD. */
export async function transactionCountStatistics(
  http: HttpClient,
  query: { from?: string; to?: string } = {},
): Promise<TransactionCounts> {
  return (
    await http.request<TransactionCounts>({
      method: 'GET',
      path: '/data-token/transaction-count-statistics',
      query: { ...query },
    })
  ).data;
}
