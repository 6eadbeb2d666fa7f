// The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and on
// Linux the Secret Service (GNOME Keyring, KWallet), pinned there so the library never falls back
// to the kernel keyring, whose entries vanish at logout and which a desktop app cannot share with
// its CLI. Every call goes through AsyncEntry: a D-Bus round trip (or an unlock prompt) must not
// stall the Electron main process.

import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import type { SecretStore } from './secret-store.ts';

export const KEYCHAIN_SERVICE = 'privicore-vault';

const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

export class KeychainUnavailableError extends Error {
  readonly code = 'ERR_KEYCHAIN_UNAVAILABLE';
  constructor(detail: string, cause?: unknown) {
    super(`${advice()} (${detail})`, cause === undefined ? undefined : { cause });
    this.name = 'KeychainUnavailableError';
  }
}

export class KeychainStore implements SecretStore {
  constructor(private readonly service: string = KEYCHAIN_SERVICE) {}

  async get(account: string): Promise<string | undefined> {
    return (await this.call(account, (entry) => entry.getPassword())) ?? undefined;
  }

  async set(account: string, value: string): Promise<void> {
    await this.call(account, (entry) => entry.setPassword(value));
  }

  async delete(account: string): Promise<boolean> {
    return this.call(account, (entry) => entry.deleteCredential());
  }

  /** Fails with KeychainUnavailableError unless a keychain answers. */
  async probe(): Promise<void> {
    await this.get('probe');
  }

  private async call<T>(account: string, work: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    let entry: AsyncEntry;
    try {
      entry = new AsyncEntry(this.service, account, ENTRY_OPTIONS);
    } catch (error) {
      throw new KeychainUnavailableError(messageOf(error), error);
    }
    try {
      return await work(entry);
    } catch (error) {
      // "Ambiguous" and similar are real answers from a working keychain; only platform and
      // no-storage failures mean there is none to talk to.
      const code = (error as { code?: string }).code;
      const text = messageOf(error);
      if (
        /platform|no ?storage|dbus|secret ?service|locked|not available|unavailable/i.test(
          `${code ?? ''} ${text}`,
        )
      ) {
        throw new KeychainUnavailableError(text, error);
      }
      throw error;
    }
  }
}

function advice(): string {
  switch (process.platform) {
    case 'linux':
      return (
        'No OS keychain is available: Privicore Vault keeps its token and keys in the Secret Service, ' +
        'and none answered on D-Bus. On a desktop, install and unlock GNOME Keyring or KWallet ' +
        '(apt-get install gnome-keyring). On a server or in a container, run inside a D-Bus session ' +
        "with an unlocked keyring, e.g. dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets >/dev/null; privicore-vault …'"
      );
    case 'darwin':
      return 'The macOS Keychain is not available: unlock your login keychain (Keychain Access) and try again';
    case 'win32':
      return 'The Windows Credential Manager is not available: sign in to a user session with a credential store and try again';
    default:
      return `No OS keychain is supported on ${process.platform}`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
