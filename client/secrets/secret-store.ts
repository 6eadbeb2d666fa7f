/**
 * Where the client keeps its secrets: the OS keychain in every program (keychain.ts); tests that
 * are not about the keychain pass an in-memory one. Values are strings (hex or token text).
 */
export interface SecretStore {
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}
