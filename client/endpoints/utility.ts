// Contract §3: utility.

import type { HttpClient } from '../http.ts';
import { PrivicoreError } from '../privicore-error.ts';

export interface Health {
  status: string;
  version: string;
}

export interface CommandStatusReport {
  status: 1 | 2 | 3;
  word: 'started' | 'succeeded' | 'rejected';
  /** The reason key of a rejected command (X-DPT-CAB-REASON). */
  reason?: string;
}

const WORDS = { 1: 'started', 2: 'succeeded', 3: 'rejected' } as const;

/** GET /health */
export async function health(
  http: HttpClient,
  options: { signal?: AbortSignal } = {},
): Promise<Health> {
  const response = await http.request<Health>({
    method: 'GET',
    path: '/health',
    auth: 'none',
    signal: options.signal,
  });
  return response.data;
}

/** GET /request-status/{commandId}: public, any command id. */
export async function requestStatus(
  http: HttpClient,
  commandId: string,
  options: { timeoutMs?: number } = {},
): Promise<CommandStatusReport> {
  const response = await http.request<unknown>({
    method: 'GET',
    path: `/request-status/${encodeURIComponent(commandId)}`,
    auth: 'none',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const header = Number(response.headers['x-dpt-command-status']);
  const word = response.data;
  const status =
    header === 1 || header === 2 || header === 3
      ? header
      : word === 'succeeded'
        ? 2
        : word === 'rejected'
          ? 3
          : word === 'started'
            ? 1
            : undefined;
  if (status === undefined) {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.protocol',
      message: `request-status answered ${JSON.stringify(word)}.`,
    });
  }
  const reason = response.headers['x-dpt-cab-reason'];
  return { status, word: WORDS[status], ...(reason ? { reason } : {}) };
}
