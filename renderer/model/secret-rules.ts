import { LIMITS } from '../../bridge/field-rules.ts';

const MIN_PASSWORD = LIMITS.passwordMin;
const MIN_PASSPHRASE = LIMITS.passphraseMin;

export type PasswordChangeErrors = Partial<Record<'current' | 'next' | 'confirm', string>>;

export function checkPasswordChange(
  current: string,
  next: string,
  confirm: string,
): PasswordChangeErrors {
  const errors: PasswordChangeErrors = {};
  if (!current) errors.current = 'Enter your current password.';
  if (!next) errors.next = 'Enter a new password.';
  else if (next.length < MIN_PASSWORD)
    errors.next = `Use at least ${MIN_PASSWORD} characters. You have ${next.length}.`;
  else if (next === current) errors.next = 'The new password is the same as the current one.';
  if (!errors.next && confirm !== next)
    errors.confirm = "The passwords don't match. Type the new password twice.";
  return errors;
}

export type PassphraseErrors = Partial<Record<'passphrase' | 'confirm', string>>;

/** `confirm` undefined: only the passphrase is asked for (importing a kit). */
export function checkPassphrase(passphrase: string, confirm?: string): PassphraseErrors {
  const errors: PassphraseErrors = {};
  if (!passphrase) errors.passphrase = 'Enter the passphrase.';
  else if (confirm !== undefined && passphrase.length < MIN_PASSPHRASE)
    errors.passphrase = `Use at least ${MIN_PASSPHRASE} characters. You have ${passphrase.length}.`;
  if (confirm !== undefined && !errors.passphrase && confirm !== passphrase)
    errors.confirm = "The passphrases don't match. Type the same passphrase twice.";
  return errors;
}
