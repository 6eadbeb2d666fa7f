// The numbers behind field-rules.ts, on their own: the CLI's error words (error-words.ts) quote
// them without loading the zod schemas built from them.

/**
 * The rules each input obeys, in one place: main validates every IPC call with the schemas built
 * from them (channels.ts), and the renderer checks its forms with the same limits, so a form says
 * what main would refuse before anything is sent. Where the engine has the rule too (contract
 * §4, §7, §8), the numbers are the contract's.
 */
export const LIMITS = {
  /** Contract §4 register-profile. */
  usernameMin: 3,
  usernameMax: 254,
  /** Contract §4: passwords have at least 10 characters. */
  passwordMin: 10,
  /** Any password or passphrase typed in. */
  secretMax: 1024,
  /** A new recovery kit's passphrase (client/crypto/recovery-kit.ts: version 2's rule). */
  passphraseMin: 15,
  /** Contract §7 configure-file-meta. */
  fileNameMax: 255,
  extensionMax: 32,
  contextMax: 1024,
  /** Contract §8: device names. */
  deviceNameMax: 255,
  searchMax: 255,
  /** A path on this computer. */
  pathMax: 4096,
  /** Contract §1.2 free-form fields: 50 per file, one of them the classification level. */
  classificationFieldsMax: 49,
  fieldNameMax: 64,
  fieldValueMax: 1024,
  /** Contract §10–§11 as the engine checks them: policy and voting configuration names. */
  governanceNameMax: 100,
  /** Contract §10: quorum size, yes-vote percentage, rounds, and seconds per round. */
  quorumMax: 100,
  percentageMax: 100,
  maxAttemptsMax: 10,
  timeLimitMinSeconds: 10,
  timeLimitMaxSeconds: 86_400,
} as const;
