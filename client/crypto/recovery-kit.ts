// Recovery kit: the profile's secrets sealed under a passphrase, so losing every device does not
// lose the data. scrypt (RFC 7914) turns the passphrase into an AES-256-GCM (NIST SP 800-38D) key.
//
// The file is UTF-8 JSON:
//   {
//     "format": "privicore-vault-recovery-kit",
//     "version": 2,
//     "kdf": { "name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": base64 of 16 random bytes },
//     "cipher": { "name": "aes-256-gcm", "iv": base64 of 12 random bytes },
//     "ciphertext": base64 of (ciphertext ‖ 16-byte tag),
//     "createdAt": ISO 8601 time
//   }
// key = scrypt(NFC(passphrase) as UTF-8, salt, N, r, p, 32 bytes)
// AAD = UTF-8 of "privicore-vault-recovery-kit/<version>"
// plaintext = UTF-8 JSON {"profileId","username","dataKey": 64 hex,"privateKey": 64 hex}
//
// Version 2 (written now) uses scrypt N = 2^17 (128 MiB, the cost OWASP's password storage
// cheat sheet recommends for scrypt) and takes passphrases of at least 15 characters (NIST SP
// 800-63B-4's minimum for a secret that alone guards something); a kit can be attacked offline
// by whoever copies the file. Version 1 (N = 2^15, 8 characters) still opens, so old kits are
// not lost. Each version fixes every parameter; they are written out anyway so that the file
// alone, with any scrypt and AES-GCM tool, is enough to recover the keys. A kit with other values
// is refused rather than obeyed, so a crafted file cannot make the app run an unbounded scrypt.
// The salt and IV are covered by the tag implicitly (other values give another key or IV, and the
// tag fails); createdAt is not covered and is informational only.

import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt,
  type ScryptOptions,
} from 'node:crypto';

const FORMAT = 'privicore-vault-recovery-kit';
/** What each version fixes; the last one is written. */
const VERSIONS = {
  1: { scrypt: { N: 32768, r: 8, p: 1 }, minPassphrase: 8 },
  2: { scrypt: { N: 131072, r: 8, p: 1 }, minPassphrase: 15 },
} as const;
type KitVersion = keyof typeof VERSIONS;
const VERSION: KitVersion = 2;
const aad = (version: KitVersion) => Buffer.from(`privicore-vault-recovery-kit/${version}`, 'utf8');
const SALT_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;
/** The passphrase rule for a new kit, in characters (after NFC). */
export const MIN_PASSPHRASE_CHARACTERS = VERSIONS[VERSION].minPassphrase;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;

export type RecoveryKitErrorCode =
  'ERR_RECOVERY_KIT_PASSPHRASE' | 'ERR_RECOVERY_KIT_PASSPHRASE_SHORT' | 'ERR_RECOVERY_KIT_FORMAT';

export class RecoveryKitError extends Error {
  readonly code: RecoveryKitErrorCode;
  constructor(code: RecoveryKitErrorCode, message: string) {
    super(message);
    this.name = 'RecoveryKitError';
    this.code = code;
  }
}

export interface RecoveryKitContents {
  readonly profileId: string;
  readonly username: string;
  /** The profile's AES-256 data key, 32 bytes. */
  readonly dataKey: Buffer;
  /** The profile's X25519 private key, 64 hex characters (returned lowercase). */
  readonly privateKey: string;
}

export async function createRecoveryKit(
  contents: RecoveryKitContents,
  passphrase: string,
): Promise<string> {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_CHARACTERS) {
    throw new RecoveryKitError(
      'ERR_RECOVERY_KIT_PASSPHRASE_SHORT',
      `The passphrase must be at least ${MIN_PASSPHRASE_CHARACTERS} characters long.`,
    );
  }
  if (contents.dataKey.length !== KEY_LENGTH) {
    throw new RangeError(`The data key is ${KEY_LENGTH} bytes, got ${contents.dataKey.length}.`);
  }
  if (!KEY_HEX.test(contents.privateKey)) {
    throw new RangeError('The private key is 64 hex characters.');
  }
  if (contents.profileId === '' || contents.username === '') {
    throw new RangeError('A recovery kit needs the profile id and the username.');
  }

  const salt = randomBytes(SALT_LENGTH);
  const iv = randomBytes(IV_LENGTH);
  const plaintext = Buffer.from(
    JSON.stringify({
      profileId: contents.profileId,
      username: contents.username,
      dataKey: contents.dataKey.toString('hex'),
      privateKey: contents.privateKey.toLowerCase(),
    }),
    'utf8',
  );
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt, VERSION), iv);
  cipher.setAAD(aad(VERSION));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const kit = {
    format: FORMAT,
    version: VERSION,
    kdf: { name: 'scrypt', ...VERSIONS[VERSION].scrypt, salt: salt.toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64') },
    ciphertext: sealed.toString('base64'),
    createdAt: new Date().toISOString(),
  };
  return `${JSON.stringify(kit, null, 2)}\n`;
}

export async function openRecoveryKit(
  text: string,
  passphrase: string,
): Promise<RecoveryKitContents> {
  const { version, salt, iv, sealed } = parseKit(text);
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(passphrase, salt, version), iv);
  decipher.setAAD(aad(version));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
  try {
    decipher.final();
  } catch {
    // GCM cannot tell a wrong passphrase from an altered file; both fail the same tag.
    throw new RecoveryKitError(
      'ERR_RECOVERY_KIT_PASSPHRASE',
      'The passphrase is wrong or the recovery kit is damaged.',
    );
  }
  return parseContents(plaintext);
}

function parseKit(text: string): {
  version: KitVersion;
  salt: Buffer;
  iv: Buffer;
  sealed: Buffer;
} {
  let kit: unknown;
  try {
    kit = JSON.parse(text);
  } catch {
    throw formatError('The recovery kit is not a JSON file.');
  }
  if (!isRecord(kit) || kit['format'] !== FORMAT) {
    throw formatError('This file is not a Privicore Vault recovery kit.');
  }
  const version = kit['version'];
  if (version !== 1 && version !== 2) {
    throw formatError(
      `This recovery kit has version ${String(version)}; this app opens versions 1 and 2.`,
    );
  }
  const fixed = VERSIONS[version].scrypt;
  const kdf = kit['kdf'];
  if (
    !isRecord(kdf) ||
    kdf['name'] !== 'scrypt' ||
    kdf['N'] !== fixed.N ||
    kdf['r'] !== fixed.r ||
    kdf['p'] !== fixed.p
  ) {
    throw formatError(
      `The recovery kit names a key derivation other than version ${version}'s scrypt N=${fixed.N}, r=${fixed.r}, p=${fixed.p}.`,
    );
  }
  const cipher = kit['cipher'];
  if (!isRecord(cipher) || cipher['name'] !== 'aes-256-gcm') {
    throw formatError('The recovery kit names a cipher other than aes-256-gcm.');
  }
  const salt = decodeBase64(kdf['salt'], 'kdf.salt');
  const iv = decodeBase64(cipher['iv'], 'cipher.iv');
  const sealed = decodeBase64(kit['ciphertext'], 'ciphertext');
  if (salt.length !== SALT_LENGTH) {
    throw formatError(`The recovery kit's salt is not ${SALT_LENGTH} bytes.`);
  }
  if (iv.length !== IV_LENGTH) {
    throw formatError(`The recovery kit's IV is not ${IV_LENGTH} bytes.`);
  }
  if (sealed.length <= TAG_LENGTH) throw formatError("The recovery kit's ciphertext is too short.");
  if (typeof kit['createdAt'] !== 'string') {
    throw formatError('The recovery kit has no creation time.');
  }
  return { version, salt, iv, sealed };
}

function parseContents(plaintext: Buffer): RecoveryKitContents {
  let contents: unknown;
  try {
    contents = JSON.parse(plaintext.toString('utf8'));
  } catch {
    contents = undefined;
  }
  // Only a kit sealed by a faulty writer gets here: the tag proved these bytes unaltered.
  if (
    !isRecord(contents) ||
    typeof contents['profileId'] !== 'string' ||
    typeof contents['username'] !== 'string' ||
    typeof contents['dataKey'] !== 'string' ||
    typeof contents['privateKey'] !== 'string' ||
    !KEY_HEX.test(contents['dataKey']) ||
    !KEY_HEX.test(contents['privateKey'])
  ) {
    throw formatError(
      'The recovery kit opened, but what it holds is not a profile id, username and two keys.',
    );
  }
  return {
    profileId: contents['profileId'],
    username: contents['username'],
    dataKey: Buffer.from(contents['dataKey'], 'hex'),
    privateKey: contents['privateKey'].toLowerCase(),
  };
}

// NFC, so that one passphrase typed on systems that compose accents differently gives one key.
function deriveKey(passphrase: string, salt: Buffer, version: KitVersion): Promise<Buffer> {
  const { N, r, p } = VERSIONS[version].scrypt;
  // OpenSSL needs 128·r·(N+2) bytes for V plus 128·r·p for B, a little over 128·N·r; its
  // default 32 MiB cap would refuse that, so allow twice it.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(passphrase.normalize('NFC'), 'utf8'),
      salt,
      KEY_LENGTH,
      options,
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

// Buffer.from(…, 'base64') skips characters it does not know; a kit must be exact base64.
function decodeBase64(value: unknown, field: string): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.toString('base64') === value) return bytes;
  }
  throw formatError(`The recovery kit's ${field} is not base64.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatError(message: string): RecoveryKitError {
  return new RecoveryKitError('ERR_RECOVERY_KIT_FORMAT', message);
}
