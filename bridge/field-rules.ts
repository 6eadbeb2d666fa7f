import { z } from 'zod';

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

export const tokenSchema = z.string().min(3).max(200);
export const usernameSchema = z.string().min(LIMITS.usernameMin).max(LIMITS.usernameMax);
/** A password being set (sign-up, change): the engine's minimum applies. */
export const newPasswordSchema = z.string().min(LIMITS.passwordMin).max(LIMITS.secretMax);
/** A password or passphrase being checked: anything typed, the engine decides. */
export const typedSecretSchema = z.string().min(1).max(LIMITS.secretMax);
export const newPassphraseSchema = z.string().min(LIMITS.passphraseMin).max(LIMITS.secretMax);
export const fileNameSchema = z.string().min(1).max(LIMITS.fileNameMax);
export const extensionSchema = z
  .string()
  .max(LIMITS.extensionMax)
  .regex(/^[^.]*$/, 'no dot');
export const contextSchema = z.string().min(1).max(LIMITS.contextMax).startsWith('/');
/** Contract §8: device names are 1–255 characters; control characters have no place in one. */
export const deviceNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.deviceNameMax)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');
/** Contract §1.2 free-form field names. */
export const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const classificationFieldsSchema = z
  .record(z.string().regex(FIELD_NAME), z.string().max(LIMITS.fieldValueMax))
  .refine(
    (fields) => Object.keys(fields).length <= LIMITS.classificationFieldsMax,
    `at most ${LIMITS.classificationFieldsMax} fields`,
  );
/** A path main opens or writes: absolute (POSIX, drive letter or UNC), since main has no cwd to resolve against. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(LIMITS.pathMax)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'must be an absolute path');
/** A policy's or voting configuration's name, a template or event id (contract §10–§11). */
export const governanceNameSchema = z.string().min(1).max(LIMITS.governanceNameMax);
