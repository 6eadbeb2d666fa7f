import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { signUp, type SignedIn } from '../../client/account.ts';
import type { SessionOptions } from '../../client/session.ts';
import type { EmbeddedEngine } from '../../engine/host.ts';
import { compiledHost } from './compiled.ts';
import { tempDir } from './engine.ts';
import { MemorySecretStore } from './memory-secrets.ts';
import { PASSWORD, uniqueName } from './profiles.ts';

/** The compiled embedded engine (engine/host.ts) with its local storage devices, in a temp folder. */
export async function startVaultEngine(): Promise<
  EmbeddedEngine & { dir: string; close(): Promise<void> }
> {
  const dir = tempDir('privicore-vault-');
  const host = await compiledHost.startEmbeddedEngine({
    dataDir: join(dir, 'engine'),
    logLevel: 'silent',
  });
  return Object.assign(host, {
    dir,
    async close() {
      await host.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

export interface VaultUser extends SignedIn {
  secrets: MemorySecretStore;
  password: string;
}

/** A profile made through the client (keys, data key, public key) with local storage. */
export async function signUpVaultUser(
  engine: {
    apiUrl: string;
    wsUrl: string;
    ensureLocalStorage?: EmbeddedEngine['ensureLocalStorage'];
  },
  options: { storage?: boolean; channel?: SessionOptions['channel']; wsUrl?: string } = {},
): Promise<VaultUser> {
  const secrets = new MemorySecretStore();
  const signed = await signUp({
    apiUrl: engine.apiUrl,
    wsUrl: options.wsUrl ?? engine.wsUrl,
    username: uniqueName('vault'),
    password: PASSWORD,
    secrets,
    ...(options.channel ? { channel: options.channel } : {}),
  });
  if (options.storage !== false && engine.ensureLocalStorage)
    await engine.ensureLocalStorage(signed.session.authorizationToken);
  return { ...signed, secrets, password: PASSWORD };
}
