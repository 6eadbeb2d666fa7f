import { z } from 'zod';
import { LIMITS } from './field-limits.ts';

export { LIMITS } from './field-limits.ts';

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
