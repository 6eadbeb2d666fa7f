import { randomUUID } from 'node:crypto';
import { generateSignedKeyPair } from '../../engine/crypto/signed-key.ts';
import type { Wire } from './http.ts';

export const PASSWORD = 'correct horse battery';

export function uniqueName(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Polls request-status until the command ends; returns the final word. */
export async function awaitStatus(
  api: Wire,
  commandId: string,
  timeoutMs = 15_000,
): Promise<'succeeded' | 'rejected'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.get(`/request-status/${commandId}`);
    if (response.body === 'succeeded' || response.body === 'rejected') return response.body;
    if (Date.now() > deadline)
      throw new Error(`command ${commandId} still ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function commandId(response: { headers: Headers }): string {
  const id = response.headers.get('x-dpt-cab-id');
  if (!id) throw new Error('no X-DPT-CAB-ID header');
  return id;
}

export interface TestProfile {
  username: string;
  password: string;
  profileId: string;
  token: string;
  keys: { private: string; public: string };
}

/** Registers, authenticates and (unless told otherwise) registers a public key. */
export async function createProfile(
  api: Wire,
  options: { withKey?: boolean; username?: string } = {},
): Promise<TestProfile> {
  const username = options.username ?? uniqueName();
  const registered = await api.post('/profile/register-profile', { username, password: PASSWORD });
  if (registered.status !== 202)
    throw new Error(`register-profile: ${registered.status} ${registered.text}`);
  const id = commandId(registered);
  if ((await awaitStatus(api, id)) !== 'succeeded') throw new Error('register-profile rejected');
  const auth = await api.post('/profile/authenticate', { username, password: PASSWORD });
  const token = (auth.body as { authorizationToken: string }).authorizationToken;
  const keys = generateSignedKeyPair();
  if (options.withKey !== false) {
    const key = await api.post(
      '/public-key/register-public-key',
      { publicKey: keys.public },
      token,
    );
    if ((await awaitStatus(api, commandId(key))) !== 'succeeded')
      throw new Error('register-public-key rejected');
  }
  return { username, password: PASSWORD, profileId: id, token, keys };
}
