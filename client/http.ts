// The client's one HTTP layer: an axios instance per engine, the contract's form encoding (§1.2)
// and the mapping of every failure to PrivicoreError (§1.5).
//
// Redirects are off: follow-redirects keeps a copy of every request body it sends so it can
// replay it after a redirect, which for a 1 GiB upstream would be a 1 GiB buffer. The contract
// never redirects.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { isRecord } from './is-record.ts';
import { PrivicoreError } from './privicore-error.ts';
import { tlsError } from './tls/tls-errors.ts';
import { PinnedAgent } from './tls/pinned-agent.ts';

export type FieldValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Readonly<Record<string, string>>
  | null
  | undefined;
export type Fields = Readonly<Record<string, FieldValue>>;

export interface HttpClientOptions {
  /** The engine's API URL (contract §1.1), e.g. `https://engine.example:9009`. */
  apiUrl: string;
  /** Read on every `token` request, so a reauthorized token applies at once. */
  token?: () => string | undefined;
  /** Per-request limit for JSON calls; streams have none (their callers watch progress). */
  timeoutMs?: number;
  /**
   * The engine's TLS pin (`sha256:…`, tls/tls-pin.ts): every https connection must present this
   * key, and nothing is sent on one that does not. Without it, https trusts the system's
   * certificate authorities as usual.
   */
  tlsPin?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'HEAD';
  /** A path relative to the API URL, or an absolute URL the engine handed out. */
  path: string;
  /** `token` sends X-DPT-AUTHORIZATION; `none` sends no credential. Default `token`. */
  auth?: 'token' | 'none';
  query?: Fields;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Fields;
  /** Sent as application/json (the contract's `json` endpoints, §1.2). */
  json?: unknown;
  /** Sent raw as application/octet-stream. */
  body?: Readable;
  headers?: Readonly<Record<string, string>>;
  /** `stream` hands back the response body unread (download). Default: parsed JSON. */
  responseType?: 'json' | 'stream';
  signal?: AbortSignal;
  /** Overrides the client's timeout; 0 means none. */
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  data: T;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** PHP-style arrays and objects (contract §1.2): `scope[]=a`, `configuration[key]=value`. */
export function encodeFields(fields: Fields): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) params.append(`${name}[]`, item);
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, string>))
        params.append(`${name}[${key}]`, item);
    } else {
      params.append(name, String(value));
    }
  }
  return params;
}

export class HttpClient {
  readonly apiUrl: string;
  readonly tlsPin: string | undefined;
  private readonly axios: AxiosInstance;
  private readonly token: () => string | undefined;
  private readonly timeoutMs: number;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(options: HttpClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.token = options.token ?? (() => undefined);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.tlsPin = options.tlsPin;
    // Keep-alive: a session makes many small calls to one engine. Idle sockets do not keep the
    // process alive (Node unrefs them), and close() ends them.
    this.agents = {
      http: new HttpAgent({ keepAlive: true }),
      https: options.tlsPin
        ? new PinnedAgent(options.tlsPin, { keepAlive: true })
        : new HttpsAgent({ keepAlive: true }),
    };
    this.axios = axios.create({
      baseURL: this.apiUrl,
      maxRedirects: 0,
      // Every status is an answer to map, not an exception to catch.
      validateStatus: () => true,
      // Bodies are parsed here, so a bare JSON string ("succeeded") and an error body read alike.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      // Node's http module, named rather than detected: the agents above (the TLS pin) apply
      // to it alone. The build leaves axios's fetch adapter out (scripts/build.mjs).
      adapter: 'http',
    });
  }

  /** A client for the same engine that sends another token (or none). */
  withToken(token: () => string | undefined): HttpClient {
    return new HttpClient({
      apiUrl: this.apiUrl,
      token,
      timeoutMs: this.timeoutMs,
      ...(this.tlsPin ? { tlsPin: this.tlsPin } : {}),
    });
  }

  /** The agent a WebSocket to this engine connects through (the pin applies there too). */
  webSocketAgent(): HttpsAgent | undefined {
    return this.tlsPin ? new PinnedAgent(this.tlsPin) : undefined;
  }

  /** Ends idle keep-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Resolves the engine URL a relative path names; absolute URLs pass through. */
  url(path: string): string {
    return /^https?:\/\//i.test(path)
      ? path
      : `${this.apiUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if ((request.auth ?? 'token') === 'token') {
      const token = this.token();
      if (token) headers['x-dpt-authorization'] = token;
    }
    let data: unknown;
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      data = encodeFields(request.form).toString();
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      data = JSON.stringify(request.json);
    } else if (request.body) {
      headers['content-type'] ??= 'application/octet-stream';
      data = request.body;
    }
    const stream = request.responseType === 'stream';
    let response: AxiosResponse<unknown>;
    try {
      response = await this.axios.request({
        method: request.method,
        url: this.url(request.path),
        params: request.query ? encodeFields(request.query) : undefined,
        data,
        headers,
        signal: request.signal,
        timeout: request.timeoutMs ?? (stream || request.body ? 0 : this.timeoutMs),
        ...(stream ? { responseType: 'stream' as const } : {}),
        maxBodyLength: Infinity,
        maxContentLength: Infinity,
      });
    } catch (error) {
      throw this.transportError(error, request);
    }
    const responseHeaders = normaliseHeaders(response.headers);
    if (response.status >= 200 && response.status < 300) {
      return {
        status: response.status,
        headers: responseHeaders,
        data: (stream ? response.data : parseBody(response.data)) as T,
      };
    }
    const text = stream ? await readSmall(response.data as Readable) : String(response.data ?? '');
    throw errorFromResponse(response.status, responseHeaders, text);
  }

  private transportError(error: unknown, request: HttpRequest): PrivicoreError {
    if (error instanceof PrivicoreError) return error;
    // A request body that failed (a file that changed while read) keeps its own error.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof PrivicoreError) return cause;
    if (axios.isCancel(error) || request.signal?.aborted) {
      return new PrivicoreError({
        status: 0,
        reason: 'client.cancelled',
        message: 'The request was cancelled.',
        cause: error,
      });
    }
    const tls = tlsError(error, this.apiUrl);
    if (tls) return tls;
    const code = error instanceof AxiosError ? error.code : undefined;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return new PrivicoreError({
        status: 0,
        reason: 'client.timeout',
        message: `The engine at ${this.apiUrl} did not answer ${request.method} ${pathOnly(request.path)} in time.`,
        cause: error,
      });
    }
    const detail = code ?? (error instanceof Error ? error.message : String(error));
    return new PrivicoreError({
      status: 0,
      reason: 'client.network',
      message: `Could not reach the engine at ${this.apiUrl} (${detail}).`,
      cause: error,
    });
  }
}

/** Contract §1.5 error body → PrivicoreError; anything else still becomes one. */
export function errorFromResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
): PrivicoreError {
  const body = parseBody(text);
  const retryAfter =
    headers['retry-after'] === undefined ? undefined : Number(headers['retry-after']);
  const extra =
    retryAfter !== undefined && Number.isFinite(retryAfter)
      ? { retryAfterSeconds: retryAfter }
      : {};
  if (isRecord(body) && typeof body['reason'] === 'string') {
    return new PrivicoreError({
      status,
      reason: body['reason'],
      message:
        typeof body['message'] === 'string'
          ? body['message']
          : `The engine answered ${status} ${body['reason']}.`,
      ...(isRecord(body['errors']) ? { errors: body['errors'] as Record<string, string[]> } : {}),
      ...extra,
    });
  }
  return new PrivicoreError({
    status,
    reason: status >= 500 ? 'server.error' : 'client.protocol',
    message: `The engine answered ${status} without a contract error body.`,
    ...extra,
  });
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data === '' ? undefined : data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function normaliseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(headers)) return out;
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
      : headers;
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Error bodies of stream requests are small JSON; never read more than 64 KiB of one. */
async function readSmall(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buffer);
      size += buffer.length;
      if (size > 64 * 1024) break;
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}
