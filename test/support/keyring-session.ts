import { KeychainStore } from '../../client/secrets/keychain.ts';

/**
 * Keychain tests talk to a real Secret Service: the private, unlocked gnome-keyring that
 * scripts/with-keyring.sh starts. Outside it they fail at once with this hint, rather than touch
 * a desktop keyring or time out.
 */
export async function requireKeyringSession(): Promise<void> {
  try {
    await new KeychainStore('privicore-vault-test').probe();
  } catch (error) {
    throw new Error(
      `No Secret Service for the keychain tests; run them as: scripts/with-keyring.sh npx vitest run <path> (${(error as Error).message})`,
    );
  }
}
