import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** The port the built-in engine listens on for other computers (the engine's usual port). */
export const DEFAULT_REACH_PORT = 9009;

/**
 * The app's non-secret settings (engine choice, who signed in last), kept as JSON in the user
 * data folder. Tokens and keys never come here: they live in the OS keychain.
 */
const Settings = z.object({
  engine: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('embedded') }),
    z.object({
      mode: z.literal('remote'),
      apiUrl: z.string().url(),
      /** The engine's TLS pin, given or confirmed by the person (or from a pairing code). */
      tlsPin: z.string().optional(),
    }),
  ]),
  profileId: z.string().nullable(),
  username: z.string().nullable(),
  /**
   * This computer's own device in a profile (from QR pairing or a request to join), so a wait
   * for the data key survives a restart and the device list can say "this computer". Kept
   * across sign-out: signing in to the same profile again finds it.
   */
  device: z
    .object({ profileId: z.string(), deviceIdentifier: z.string() })
    .nullable()
    .default(null),
  /**
   * "Let my other computers connect": the built-in engine listens on the local network, over
   * TLS with its self-signed certificate, on `port` (off: loopback only, a free port).
   */
  reach: z
    .object({ open: z.boolean(), port: z.number().int().min(1).max(65535) })
    .default({ open: false, port: DEFAULT_REACH_PORT }),
  /**
   * This computer as a verified authenticator of a profile (contract §10): its device. The
   * device token is in the OS keychain, never here.
   */
  authenticator: z
    .object({
      profileId: z.string(),
      deviceIdentifier: z.string(),
      tokenExpiresAt: z.string(),
    })
    .nullable()
    .default(null),
  /** Ballots this computer was sent, and what came of them: the trace a vote leaves. */
  ballotHistory: z
    .array(
      z.object({
        profileId: z.string(),
        ballotId: z.string(),
        poolId: z.string(),
        title: z.string(),
        facts: z.array(z.object({ label: z.string(), value: z.string() })),
        myVote: z.enum(['yes', 'no']).nullable(),
        outcome: z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']).nullable(),
        outcomeWords: z.string(),
        receivedAt: z.string(),
        decidedAt: z.string().nullable(),
      }),
    )
    .default([]),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  engine: { mode: 'embedded' },
  profileId: null,
  username: null,
  device: null,
  reach: { open: false, port: DEFAULT_REACH_PORT },
  authenticator: null,
  ballotHistory: [],
};

export async function loadSettings(file: string): Promise<Settings> {
  try {
    const parsed = Settings.safeParse(JSON.parse(await readFile(file, 'utf8')));
    // A damaged file falls back to defaults: the worst case is signing in again.
    return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export async function saveSettings(
  file: string,
  settings: z.input<typeof Settings>,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(settings, null, 2), { mode: 0o600 });
  await rename(temp, file);
}
