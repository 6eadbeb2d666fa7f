// Contract §6: public keys.

import { acceptCommand, type AcceptedCommand } from '../accepted-command.ts';
import type { HttpClient } from '../http.ts';

/** GET /generate-keys (public): a key pair made by the engine, which keeps nothing. */
export async function generateKeys(http: HttpClient): Promise<{ private: string; public: string }> {
  return (
    await http.request<{ private: string; public: string }>({
      method: 'GET',
      path: '/generate-keys',
      auth: 'none',
    })
  ).data;
}

/** POST /public-key/register-public-key: profile tokens only; key gating ends at status 2. */
export async function registerPublicKey(
  http: HttpClient,
  input: { publicKey: string },
): Promise<AcceptedCommand<void>> {
  return acceptCommand(
    await http.request({ method: 'POST', path: '/public-key/register-public-key', form: input }),
  );
}

/** GET /public-key/retrieve-public-key */
export async function retrievePublicKey(http: HttpClient): Promise<{ publicKey: string }> {
  return (
    await http.request<{ publicKey: string }>({
      method: 'GET',
      path: '/public-key/retrieve-public-key',
    })
  ).data;
}

/** GET /dptcab/public-key (public): the engine's own signed key. */
export async function retrieveEnginePublicKey(http: HttpClient): Promise<{ publicKey: string }> {
  return (
    await http.request<{ publicKey: string }>({
      method: 'GET',
      path: '/dptcab/public-key',
      auth: 'none',
    })
  ).data;
}
