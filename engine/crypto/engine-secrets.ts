import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  writeFileSync,
  fsyncSync,
  closeSync,
  renameSync,
  readFileSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateSignedKeyPair } from './signed-key.ts';

/**
 * The engine's own secrets, created on first start and kept in the data directory with
 * file mode 0600: its signed X25519 key pair (served at /dptcab/public-key) and a 256-bit
 * key that seals secrets the engine must keep (device private keys, transfer tokens) and
 * wraps chunks in the engine-layer envelope before they reach storage devices.
 */
export interface EngineSecrets {
  readonly signedKey: { readonly private: string; readonly public: string };
  readonly sealKey: Buffer;
}

interface SecretsFile {
  version: 1;
  signedKey: { private: string; public: string };
  sealKey: string;
}

export function loadEngineSecrets(dataDir: string): EngineSecrets {
  const file = join(dataDir, 'engine-secrets.json');
  let parsed: SecretsFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as SecretsFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    parsed = {
      version: 1,
      signedKey: generateSignedKeyPair(),
      sealKey: randomBytes(32).toString('hex'),
    };
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    writeFileSync(fd, JSON.stringify(parsed));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  }
  // A copy restored from a backup may have lost its mode; secrets are never group-readable.
  chmodSync(file, 0o600);
  return { signedKey: parsed.signedKey, sealKey: Buffer.from(parsed.sealKey, 'hex') };
}
