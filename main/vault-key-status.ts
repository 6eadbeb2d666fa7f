import type { KeyState, KeyStatus } from '../bridge/types.ts';
import { requestAccess } from '../client/access-request.ts';
import { awaitDataKey } from '../client/await-data-key.ts';
import { loadProfileSecrets, saveProfileSecrets } from '../client/secrets/profile-secrets.ts';
import type { SecretStore } from '../client/secrets/secret-store.ts';
import type { VaultSession } from '../client/session.ts';

export interface VaultKeyStatusOptions {
  session: VaultSession;
  secrets: SecretStore;
  profileId: string;
  /** This computer's device in the profile, as last recorded; null when it has none. */
  deviceIdentifier: string | null;
  /** Records (or, with null, forgets) this computer's device in the app's settings. */
  saveDevice(deviceIdentifier: string | null): Promise<void>;
  onChange(status: KeyStatus): void;
  /** How often to look for the shared key while waiting; default await-data-key.ts's. */
  intervalMs?: number;
}

const KEY_NOT_KEPT =
  'The vault key arrived, but the system keychain would not keep it, so this computer will need it again after a restart.';
const DECLINED =
  'Your request to join this vault was declined, or this computer was removed from it. Ask for access again, or import a recovery kit.';

/**
 * Whether the signed-in session holds the vault's data key, and getting it when it does not:
 * asking to join (a pending device of its own, approved on another computer) or picking up the
 * key after QR pairing. The key arrives wrapped to this computer's device key; it goes to the
 * keychain and into the session, and the state turns `ready`.
 */
export class VaultKeyStatus {
  private state: KeyState;
  private deviceIdentifier: string | null;
  private notice: string | null = null;
  private waiting: AbortController | undefined;
  private requesting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: VaultKeyStatusOptions) {
    // A device of ours without the key is waiting from the first moment; start() confirms it
    // holds the device's private key, or falls back to missing.
    this.state = options.session.dataKey
      ? 'ready'
      : options.deviceIdentifier
        ? 'waiting-for-approval'
        : 'missing';
    this.deviceIdentifier = options.deviceIdentifier;
  }

  status(): KeyStatus {
    return { state: this.state, deviceIdentifier: this.deviceIdentifier, notice: this.notice };
  }

  /** This computer's device; while a request to join is under way, once it has its identifier. */
  async ownDevice(): Promise<string | null> {
    await this.requesting?.catch(() => undefined);
    return this.deviceIdentifier;
  }

  /** Takes up a wait left off (the app restarted, or it just paired): a device of ours whose key the keychain holds. */
  async start(): Promise<void> {
    const id = this.deviceIdentifier;
    if (this.state === 'ready' || !id) return;
    const { devicePrivateKey } = await loadProfileSecrets(
      this.options.secrets,
      this.options.profileId,
    );
    if (devicePrivateKey) this.wait(id, devicePrivateKey);
    else this.set('missing', null);
  }

  /** Asks the profile's other devices to let this one in; a no-op when it has the key or already asked. */
  async requestAccess(deviceName: string): Promise<KeyStatus> {
    if (this.state !== 'missing') return this.status();
    this.requesting ??= (async () => {
      const { session, secrets, profileId } = this.options;
      const request = await requestAccess(session, secrets, profileId, deviceName);
      this.deviceIdentifier = request.deviceIdentifier;
      await this.options.saveDevice(request.deviceIdentifier);
      this.wait(request.deviceIdentifier, request.devicePrivateKey);
    })().finally(() => {
      this.requesting = undefined;
    });
    await this.requesting;
    return this.status();
  }

  /** The data key came another way (a recovery kit): use it and stop waiting. */
  adopt(dataKey: Buffer): KeyStatus {
    this.waiting?.abort();
    this.options.session.setDataKey(dataKey);
    this.set('ready', null);
    return this.status();
  }

  stop(): void {
    this.stopped = true;
    this.waiting?.abort();
  }

  private wait(deviceIdentifier: string, devicePrivateKey: string): void {
    if (this.stopped) return;
    this.waiting?.abort();
    const waiting = new AbortController();
    this.waiting = waiting;
    this.set('waiting-for-approval', null);
    const { session, secrets, profileId } = this.options;
    void awaitDataKey(session, {
      deviceIdentifier,
      devicePrivateKey,
      signal: waiting.signal,
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    }).then(async (result) => {
      if (waiting.signal.aborted) return;
      if (result.state === 'received') {
        session.setDataKey(result.dataKey);
        try {
          await saveProfileSecrets(secrets, profileId, { dataKey: result.dataKey });
          this.set('ready', null);
        } catch {
          this.set('ready', KEY_NOT_KEPT);
        }
      } else if (result.state === 'device-gone') {
        this.deviceIdentifier = null;
        // Forgetting it in the settings is tidiness; the next wait finds the device gone again.
        await this.options.saveDevice(null).catch(() => undefined);
        this.set('missing', DECLINED);
      }
    });
  }

  private set(state: KeyState, notice: string | null): void {
    if (this.stopped) return;
    this.state = state;
    this.notice = notice;
    this.options.onChange(this.status());
  }
}
