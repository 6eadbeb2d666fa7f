// The CLI's non-secret settings, one JSON file: which engine (and its TLS pin), which profile. Written atomically
// (temporary file + rename) so an interrupted run never leaves half a file.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
// zod/mini, not zod: every command reads this file, and the full library is far more to load.
import * as z from 'zod/mini';

const CliConfigSchema = z.object({
  /** Absent: the embedded engine. */
  engineUrl: z.optional(z.string()),
  wsUrl: z.optional(z.string()),
  username: z.optional(z.string()),
  profileId: z.optional(z.string()),
  /** Set on a machine that joined a profile by QR pairing: it acts as this device. */
  deviceIdentifier: z.optional(z.string()),
  /**
   * The TLS pin of each https engine this machine pinned (`--pin`, a confirmed fingerprint or a
   * pairing code's), by engine address. Not a secret (the engine shows it to anyone who
   * connects), so it lives here and not in the keychain.
   */
  tlsPins: z.optional(z.record(z.string(), z.string())),
  /** Set once this machine is a verified authenticator: its device (the token is in the keychain). */
  authenticatorDeviceId: z.optional(z.string()),
});

export type CliConfig = z.infer<typeof CliConfigSchema>;

export async function readCliConfig(file: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or delete it.`);
  }
  const result = CliConfigSchema.safeParse(parsed);
  if (!result.success) throw new Error(`${file} has unexpected contents; fix or delete it.`);
  return result.data;
}

export async function writeCliConfig(file: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const clean = Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  );
  await writeFile(temporary, `${JSON.stringify(clean, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}
