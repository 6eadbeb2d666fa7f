// Changing the profile's password (contract §4 change-password). The engine answers a wrong
// current password with auth.invalid_credentials, the same key a failed sign-in gets; here it
// gets its own key and words, since "username and password don't match" would mislead.

import { changePassword } from './endpoints/profile.ts';
import { isPrivicoreError, PrivicoreError } from './privicore-error.ts';
import type { VaultSession } from './session.ts';
import type { CommandHold } from './vault/vault-context.ts';

export async function changeAccountPassword(
  session: VaultSession,
  currentPassword: string,
  newPassword: string,
  options: { onHold?: (hold: CommandHold) => void } = {},
): Promise<void> {
  try {
    // A profile-governance policy may hold the change for a vote (contract §11).
    await session.run(
      () => changePassword(session.http, { currentPassword, newPassword }),
      options.onHold ? { onHold: options.onHold } : {},
    );
  } catch (error) {
    if (isPrivicoreError(error, 'auth.invalid_credentials')) {
      throw new PrivicoreError({
        status: error.status,
        reason: 'account.wrong_current_password',
        message: 'Your current password is not right.',
        cause: error,
      });
    }
    throw error;
  }
}
