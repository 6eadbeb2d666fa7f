import type { KeyState, KeyStatus } from '../bridge/types.ts';
import {
  awaitApprovalCode,
  requestAccess,
  trustApprovedProfileKey,
  withdrawAccessRequest,
  type AccessRequest,
} from '../client/access-request.ts';
import { awaitDataKey } from '../client/await-data-key.ts';
import { awaitDevice } from '../client/await-device.ts';
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
  /** The code to show while waiting, when this computer just joined by QR code. */
  code?: string;
  /** How often to look for answers while waiting; default await-device.ts's. */
  intervalMs?: number;
}

const KEY_NOT_KEPT =
  'The vault key arrived, but the system keychain would not keep it, so this computer will need it again after a restart.';
const DECLINED =
  'Your request to join this vault was declined, or this computer was removed from it. Ask for access again, or import a recovery kit.';
const CODES_DIFFER =
  "The codes didn't match, so this computer's request was withdrawn and nothing was accepted. Ask again; if the codes differ again, someone may be in between: import your recovery kit instead.";
const INTERRUPTED =
  'The request to join was interrupted before the codes were compared. Ask again.';
const REFUSED =
  "A vault key arrived that didn't come from your vault's owner, so it was refused. Still waiting for the real one.";
const ASK_AGAIN = 'Ask another device again to let this computer in.';

/**
 * Whether the signed-in session holds the vault's keys, and getting them when it does not:
 * asking to join (a pending device of its own; the person compares the code on both screens and
 * confirms here too) or picking up the keys after QR pairing. Keys are adopted only from the
 * profile key this computer trusts (the pairing code's, or the one whose code was confirmed);
 * they go to the keychain and into the session, and the state turns `ready`.
 */
export class VaultKeyStatus {
  private state: KeyState;
  private deviceIdentifier: string | null;
  private notice: string | null = null;
  private code: string | null;
  private comparing: { request: AccessRequest; fingerprint: string } | undefined;
  private waiting: AbortController | undefined;
  private requesting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: VaultKeyStatusOptions) {
    // A device of ours without the key is waiting from the first moment; start() confirms it
    // holds what it needs to go on, or falls back to missing.
    this.state = options.session.dataKey
      ? 'ready'
      : options.deviceIdentifier
        ? 'waiting-for-approval'
        : 'missing';
    this.deviceIdentifier = options.deviceIdentifier;
    this.code = options.code ?? null;
  }

  status(): KeyStatus {
    return {
      state: this.state,
      deviceIdentifier: this.deviceIdentifier,
      notice: this.notice,
      code: this.state === 'ready' || this.state === 'missing' ? null : this.code,
    };
  }

  /** This computer's device; while a request to join is under way, once it has its identifier. */
  async ownDevice(): Promise<string | null> {
    await this.requesting?.catch(() => undefined);
    return this.deviceIdentifier;
  }

  /** Takes up a wait left off (the app restarted, or it just paired). */
  async start(): Promise<void> {
    const id = this.deviceIdentifier;
    if (this.state === 'ready' || !id) return;
    const held = await loadProfileSecrets(this.options.secrets, this.options.profileId);
    if (!held.devicePrivateKey) return this.set('missing', null);
    if (held.trustedProfileKey)
      return this.waitForKeys(id, held.devicePrivateKey, held.trustedProfileKey);
    if (held.joinNonce)
      return this.exchange({
        deviceIdentifier: id,
        devicePrivateKey: held.devicePrivateKey,
        joinNonce: held.joinNonce,
      });
    this.set('missing', ASK_AGAIN);
  }

  /** Asks the profile's other devices to let this one in; a no-op when it has the key or already asked. */
  async requestAccess(deviceName: string): Promise<KeyStatus> {
    if (this.state !== 'missing') return this.status();
    this.requesting ??= (async () => {
      const { session, secrets, profileId } = this.options;
      const request = await requestAccess(session, secrets, profileId, deviceName);
      this.deviceIdentifier = request.deviceIdentifier;
      await this.options.saveDevice(request.deviceIdentifier);
      this.exchange(request);
    })().finally(() => {
      this.requesting = undefined;
    });
    await this.requesting;
    return this.status();
  }

  /** In `compare-code`: the person says whether the code is the one the other screen shows. */
  async confirmCode(matches: boolean): Promise<KeyStatus> {
    const comparing = this.comparing;
    if (this.state !== 'compare-code' || !comparing) return this.status();
    this.comparing = undefined;
    const { session, secrets, profileId } = this.options;
    const { request, fingerprint } = comparing;
    if (matches) {
      await trustApprovedProfileKey(secrets, profileId, fingerprint);
      this.waitForKeys(request.deviceIdentifier, request.devicePrivateKey, fingerprint);
    } else {
      this.waiting?.abort();
      await withdrawAccessRequest(session, secrets, profileId, request.deviceIdentifier);
      await this.forgetDevice();
      this.set('missing', CODES_DIFFER);
    }
    return this.status();
  }

  /** The keys came another way (a recovery kit): use them and stop waiting. */
  adopt(dataKey: Buffer, profilePrivateKey?: string): KeyStatus {
    this.waiting?.abort();
    this.comparing = undefined;
    this.options.session.setDataKey(dataKey);
    if (profilePrivateKey) this.options.session.setProfilePrivateKey(profilePrivateKey);
    this.set('ready', null);
    return this.status();
  }

  stop(): void {
    this.stopped = true;
    this.waiting?.abort();
  }

  private newWait(): AbortController {
    this.waiting?.abort();
    const waiting = new AbortController();
    this.waiting = waiting;
    return waiting;
  }

  /** Waits for an owner's answer, then shows the code for the person to compare. */
  private exchange(request: AccessRequest): void {
    if (this.stopped) return;
    const waiting = this.newWait();
    this.code = null;
    this.set('waiting-for-approval', null);
    const { session, secrets, profileId } = this.options;
    void awaitApprovalCode(session, request, {
      signal: waiting.signal,
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    })
      .then(async (result) => {
        if (waiting.signal.aborted) return;
        if (result.state === 'code') {
          this.comparing = { request, fingerprint: result.fingerprint };
          this.code = result.code;
          this.set('compare-code', null);
          this.watchForRejection(request.deviceIdentifier, waiting);
        } else if (result.state === 'stale') {
          await withdrawAccessRequest(session, secrets, profileId, request.deviceIdentifier);
          await this.forgetDevice();
          this.set('missing', INTERRUPTED);
        } else if (result.state === 'device-gone') {
          await this.forgetDevice();
          this.set('missing', DECLINED);
        }
      })
      .catch(() => {
        if (!waiting.signal.aborted) this.set('missing', INTERRUPTED);
      });
  }

  /** While the person compares codes, the other side may turn the request down: say so. */
  private watchForRejection(deviceIdentifier: string, waiting: AbortController): void {
    void awaitDevice(this.options.session, deviceIdentifier, () => undefined, {
      signal: waiting.signal,
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    }).then(async (result) => {
      if (waiting.signal.aborted || result.state !== 'device-gone') return;
      this.comparing = undefined;
      await this.forgetDevice();
      this.set('missing', DECLINED);
    });
  }

  /** Waits for keys wrapped to this device by the trusted profile key. */
  private waitForKeys(deviceIdentifier: string, devicePrivateKey: string, trusted: string): void {
    if (this.stopped) return;
    const waiting = this.newWait();
    this.set('waiting-for-approval', null);
    const { session, secrets, profileId } = this.options;
    void awaitDataKey(session, {
      deviceIdentifier,
      devicePrivateKey,
      trustedProfileKey: trusted,
      signal: waiting.signal,
      onRefused: () => this.set(this.state, REFUSED),
      ...(this.options.intervalMs === undefined ? {} : { intervalMs: this.options.intervalMs }),
    }).then(async (result) => {
      if (waiting.signal.aborted) return;
      if (result.state === 'received') {
        session.setDataKey(result.keys.dataKey);
        session.setProfilePrivateKey(result.keys.profilePrivateKey);
        try {
          await saveProfileSecrets(secrets, profileId, {
            dataKey: result.keys.dataKey,
            privateKey: result.keys.profilePrivateKey,
          });
          this.set('ready', null);
        } catch {
          this.set('ready', KEY_NOT_KEPT);
        }
      } else if (result.state === 'device-gone') {
        await this.forgetDevice();
        this.set('missing', DECLINED);
      }
    });
  }

  private async forgetDevice(): Promise<void> {
    this.deviceIdentifier = null;
    this.code = null;
    // Forgetting it in the settings is tidiness; the next wait finds the device gone again.
    await this.options.saveDevice(null).catch(() => undefined);
  }

  private set(state: KeyState, notice: string | null): void {
    if (this.stopped) return;
    this.state = state;
    this.notice = notice;
    this.options.onChange(this.status());
  }
}
