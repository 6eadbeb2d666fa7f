import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TestChannel } from './channel.ts';
import type { Wire } from './http.ts';
import { runCommand } from './storage-devices.ts';

/** The reference client's payload layout (contract §1.8): IV ‖ ciphertext ‖ 16-byte tag. */
export function encrypt(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function decrypt(key: Buffer, payload: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, 12));
  decipher.setAuthTag(payload.subarray(payload.length - 16));
  return Buffer.concat([
    decipher.update(payload.subarray(12, payload.length - 16)),
    decipher.final(),
  ]);
}

export interface Reservation {
  commandId: string;
  token: string;
  stream: string;
  expiresAt: string;
}

export async function reserve(
  api: Wire,
  token: string,
  fields: Record<string, string> = {},
): Promise<Reservation> {
  const { id, outcome } = await runCommand(
    api,
    '/data-token/reserve-token-space',
    { context: '/test', ...fields },
    token,
  );
  if (outcome !== 'succeeded') throw new Error('reserve-token-space rejected');
  const found = await api.get(`/data-token/retrieve-temporary-data-token/${id}`, token);
  if (found.status !== 200)
    throw new Error(`retrieve-temporary-data-token: ${found.status} ${found.text}`);
  return { commandId: id, ...(found.body as Omit<Reservation, 'commandId'>) };
}

export async function finalize(
  api: Wire,
  token: string,
  temporary: string,
  fields: Record<string, string> = {},
): Promise<string> {
  const response = await api.post(
    '/data-token/configure-file-meta',
    { token: temporary, fileName: 'file', size: '1', ...fields },
    token,
  );
  if (response.status !== 200)
    throw new Error(`configure-file-meta: ${response.status} ${response.text}`);
  return (response.body as { token: string }).token;
}

/** Reserve → exchange → configure-file-meta; the permanent token. */
export async function storeInline(
  api: Wire,
  token: string,
  bytes: Buffer,
  fields: Record<string, string> = {},
): Promise<string> {
  const reservation = await reserve(api, token, fields.context ? { context: fields.context } : {});
  const { outcome } = await runCommand(
    api,
    '/data-token/exchange-data-for-token',
    { temporaryTokenSpace: reservation.token, data: bytes.toString('base64') },
    token,
  );
  if (outcome !== 'succeeded') throw new Error('exchange-data-for-token rejected');
  return finalize(api, token, reservation.token, fields);
}

/** request-data, then the download URL from the X-DPT-CAB-REQUEST-ID message. */
export async function requestDownload(
  api: Wire,
  channel: TestChannel,
  token: string,
  dataToken: string,
): Promise<string> {
  const response = await api.post('/data-token/request-data', { token: dataToken }, token);
  if (response.status !== 202) throw new Error(`request-data: ${response.status} ${response.text}`);
  const requestId = response.headers.get('x-dpt-cab-request-id')!;
  const message = await channel.waitFor(
    (frame) => frame.data?.type === 'X-DPT-CAB-REQUEST-ID' && frame.data.id === requestId,
    60_000,
  );
  if (message.data!.command_status !== 2)
    throw new Error(`request-data failed: ${JSON.stringify(message.data)}`);
  return message.data!.body as string;
}

export interface Downloaded {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

export async function download(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Downloaded> {
  const response = await fetch(url, { headers, method });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Stores ciphertext of fresh random plaintext; returns what a client keeps. */
export async function storeRandom(
  api: Wire,
  token: string,
  plainSize: number,
  key = randomBytes(32),
): Promise<{ dataToken: string; plaintext: Buffer; ciphertext: Buffer; key: Buffer }> {
  const plaintext = randomBytes(plainSize);
  const ciphertext = encrypt(key, plaintext);
  const dataToken = await storeInline(api, token, ciphertext, { size: String(plainSize) });
  return { dataToken, plaintext, ciphertext, key };
}
