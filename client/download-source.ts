// Contract §2 "Client tolerance": where the bytes of a request-data command are.
//   output_type 1, body an absolute URL   → download it
//   output_type 1, body anything else     → a bare downstream token: apiUrl/downstream/?auth=<body>
//   output_type 0, command_status 2       → the payload itself, base64
//   STREAM-READY { id | requestId, streamUrl } → download streamUrl

import { PrivicoreError } from './privicore-error.ts';

export type DownloadSource = { kind: 'url'; url: string } | { kind: 'inline'; data: Buffer };

export interface RequestMessageFields {
  command_status?: unknown;
  output_type?: unknown;
  body?: unknown;
}

/** The download of a status-2 request message. */
export function downloadSourceOf(message: RequestMessageFields, apiUrl: string): DownloadSource {
  const body = message.body;
  if (typeof body !== 'string' || body === '') {
    throw new PrivicoreError({
      status: 0,
      reason: 'client.protocol',
      message: 'The engine sent a request message without a body.',
    });
  }
  if (Number(message.output_type) === 1) {
    if (/^https?:\/\//i.test(body)) return { kind: 'url', url: body };
    return {
      kind: 'url',
      url: `${apiUrl.replace(/\/+$/, '')}/downstream/?auth=${encodeURIComponent(body)}`,
    };
  }
  if (Number(message.output_type) === 0 && Number(message.command_status) === 2) {
    const compact = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.protocol',
        message: 'The engine sent an inline payload that is not base64.',
      });
    }
    return {
      kind: 'inline',
      data: Buffer.from(
        compact,
        compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64',
      ),
    };
  }
  throw new PrivicoreError({
    status: 0,
    reason: 'client.protocol',
    message: `The engine sent a request message with output_type ${String(message.output_type)} that carries no data.`,
  });
}
