// Contract §1.6: an accepted command answers 202 with its id in the X-DPT-CAB-ID header and in
// the body as `"<id>"`, `["<id>"]` or `{"commandId":"<id>"}`. Clients accept all three body
// shapes, and the header wins when present.

import { isRecord } from './is-record.ts';
import { PrivicoreError } from './privicore-error.ts';

export function readCommandId(headers: Readonly<Record<string, string>>, body: unknown): string {
  const header = headers['x-dpt-cab-id']?.trim();
  if (header) return header;
  const fromBody =
    typeof body === 'string'
      ? body
      : Array.isArray(body) && body.length === 1
        ? body[0]
        : isRecord(body)
          ? body['commandId']
          : undefined;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  throw new PrivicoreError({
    status: 0,
    reason: 'client.protocol',
    message: `The engine accepted a command but sent no command id (body ${JSON.stringify(body)?.slice(0, 120)}).`,
  });
}
