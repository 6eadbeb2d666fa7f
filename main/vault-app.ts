import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type {
  AccountInfo,
  AppState,
  EngineStatus,
  KeyStatus,
  PairingResult,
  ReachStatus,
  RemoteStorageAdded,
  SessionState,
} from '../bridge/types.ts';
import { logIn, logOut, resumeSession, signUp } from '../client/account.ts';
import {
  authorizationTokenExpiry,
  revokeOtherAuthorizationTokens,
} from '../client/endpoints/profile.ts';
import { health } from '../client/endpoints/utility.ts';
import { isAllowedEngineUrl } from '../client/engine-address.ts';
import { HttpClient } from '../client/http.ts';
import { localNetworkAddresses, urlHost } from '../client/network-addresses.ts';
import { PairingPayloadError, parsePairingPayload } from '../client/pairing-payload.ts';
import { isPrivicoreError, PrivicoreError } from '../client/privicore-error.ts';
import { redeemPairing } from '../client/redeem-pairing.ts';
import { saveProfileSecrets } from '../client/secrets/profile-secrets.ts';
import type { SecretStore } from '../client/secrets/secret-store.ts';
import { SessionKeeper, type SessionEnd } from '../client/session-keeper.ts';
import { wsUrlFor, type VaultSession } from '../client/session.ts';
import { SignInAttempts, WARN_WHEN_LEFT } from '../client/sign-in-attempts.ts';
import { createStorageDeviceBundle, writeDeviceBundle } from '../client/storage-device-bundle.ts';
import { pinMismatch } from '../client/tls/tls-errors.ts';
import { PinMismatchError } from '../client/tls/pinned-agent.ts';
import { probeTls } from '../client/tls/probe-tls.ts';
import { normalizePin } from '../client/tls/tls-pin.ts';
import type { LocalStorageDevice } from '../engine/host.ts';
import { dirname, join } from 'node:path';
import { badgeCount } from './approval-notices.ts';
import { ComputerAuthenticator } from './computer-authenticator.ts';
import { DeviceApprovals } from './device-approvals.ts';
import { ConsentPrompts } from './consent-prompts.ts';
import type { EngineHandle, EngineStart } from './engine-handle.ts';
import { HeldOperations } from './held-operations.ts';
import type { Platform } from './platform.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from './settings.ts';
import { VaultKeyStatus } from './vault-key-status.ts';
import { VaultTransfers } from './vault-transfers.ts';

export interface VaultAppOptions {
  settingsFile: string;
  secrets: SecretStore;
  platform: Platform;
  /**
   * Starts the embedded engine (utility process in the app, in-process in tests): on loopback,
   * or open to the local network (`start.reach`).
   */
  startEmbeddedEngine(start: EngineStart): Promise<EngineHandle>;
  /** The port other computers reach the built-in engine on; default the settings' (9009). Tests use 0. */
  reachPort?: number;
  /** This computer's local-network addresses (default: its interfaces'). */
  networkAddresses?: () => string[];
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
  /** How often a computer waiting for the data key looks for it (default 1.5 s); tests shorten it. */
  keyPollIntervalMs?: number;
  /** How often a vote this computer waits for is read (default 2 s); tests shorten it. */
  holdPollIntervalMs?: number;
}

interface SignedInState {
  session: VaultSession;
  keeper: SessionKeeper;
  profileId: string;
  /** Null on a computer that joined by QR pairing: it never learns the username. */
  username: string | null;
  approvals: DeviceApprovals;
  key: VaultKeyStatus;
  /** Operations of this computer waiting for a vote. */
  holds: HeldOperations;
  /** This computer as an authenticator: its ballots. */
  voting: ComputerAuthenticator;
}

interface Begun {
  session: VaultSession;
  profileId: string;
  username: string | null;
  expiresAt: string;
}

const ENDED_NOTICE: Record<SessionEnd, string> = {
  expired: 'Your session expired. Sign in again to continue.',
  revoked:
    'You were signed out because this session was ended elsewhere. Sign in again to continue.',
};

const NO_KEY: KeyStatus = { state: 'missing', deviceIdentifier: null, notice: null, code: null };

/**
 * The desktop app's state in main: which engine it uses, who is signed in, this computer's hold
 * on the data key, the profile's devices, and the transfers under way. Handlers
 * (main/handlers/) are thin calls into this; the rules themselves live in client/ (account
 * flows, session keeping, pairing, key sharing, transfers).
 */
export class VaultApp {
  readonly transfers: VaultTransfers;
  /** Consent links opened on this computer, waiting for the person's answer. */
  readonly consents: ConsentPrompts;
  readonly platform: Platform;
  readonly secrets: SecretStore;
  private settings: Settings = { ...DEFAULT_SETTINGS };
  private embedded: EngineHandle | undefined;
  private embeddedStarting: Promise<EngineHandle> | undefined;
  private status: EngineStatus = {
    mode: 'embedded',
    state: 'starting',
    apiUrl: null,
    message: null,
  };
  private signedIn: SignedInState | undefined;
  private notice: string | null = null;
  private lastBadge = 0;
  /** Settings writes one at a time: each replaces the whole file through one temporary name. */
  private settingsWrites: Promise<void> = Promise.resolve();
  private readonly signInAttempts = new SignInAttempts();

  /** Settled once settings are loaded, the engine is up (or known unreachable) and the last session restored. */
  readonly ready: Promise<void>;

  private constructor(private readonly options: VaultAppOptions) {
    this.platform = options.platform;
    this.secrets = options.secrets;
    this.transfers = new VaultTransfers({
      journalFile: join(dirname(options.settingsFile), 'uploads.json'),
      platform: options.platform,
      session: () => this.session(),
      profileId: () => this.signedIn?.profileId ?? null,
      emit: options.emit,
      watchHold: (hold, operation, label) =>
        this.signedIn?.holds.watch(hold, operation, null, label),
    });
    this.consents = new ConsentPrompts({
      session: () => this.signedIn?.session,
      platform: options.platform,
      emit: options.emit,
    });
    this.ready = this.init();
  }

  /** Starts in the background: the window can show while the engine comes up. */
  static create(options: VaultAppOptions): VaultApp {
    return new VaultApp(options);
  }

  static async start(options: VaultAppOptions): Promise<VaultApp> {
    const app = new VaultApp(options);
    await app.ready;
    return app;
  }

  private async init(): Promise<void> {
    this.settings = await loadSettings(this.options.settingsFile);
    await this.connectEngine();
    await this.restore();
  }

  /**
   * A privicore:// link the OS handed to the app (main.ts: a second instance's argv, macOS
   * open-url, or this instance's own argv). Untrusted: only consent links are read, and they
   * are checked before the window shows anything.
   */
  async openLink(raw: string): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.consents.open(raw);
  }

  engineStatus(): EngineStatus {
    return { ...this.status };
  }

  sessionState(): SessionState {
    const signed = this.signedIn;
    const settings = this.settings;
    return {
      status: signed ? 'signed-in' : 'signed-out',
      username: signed ? signed.username : settings.username,
      profileId: signed?.profileId ?? null,
      engine: { mode: settings.engine.mode, apiUrl: this.status.apiUrl },
      expiresAt: signed ? new Date(signed.keeper.expiresAt).toISOString() : null,
      notice: this.notice,
    };
  }

  /** The signed-in session, or a clear error when there is none. */
  /** Tells the window something (handlers that follow work past their own reply). */
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void {
    this.options.emit(event, payload);
  }

  session(): VaultSession {
    return this.signed().session;
  }

  /** The signed-in profile's devices (list, approve, reject, rename, remove, pairing). */
  devices(): DeviceApprovals {
    return this.signed().approvals;
  }

  /** The devices while signed in; undefined when signed out. */
  signedInDevices(): DeviceApprovals | undefined {
    return this.signedIn?.approvals;
  }

  account(): AccountInfo {
    const signed = this.signed();
    return {
      profileId: signed.profileId,
      username: signed.username,
      engineUrl: this.status.apiUrl,
      engineMode: this.settings.engine.mode,
      expiresAt: new Date(signed.keeper.expiresAt).toISOString(),
      deviceIdentifier: this.ownDevice(signed.profileId),
    };
  }

  keyStatus(): KeyStatus {
    return this.signedIn?.key.status() ?? { ...NO_KEY };
  }

  /** This computer as an authenticator and its Approvals inbox. */
  voting(): ComputerAuthenticator {
    return this.signed().voting;
  }

  /** Operations of this computer that wait for a vote. */
  holds(): HeldOperations {
    return this.signed().holds;
  }

  /** The device this computer votes as, for the signed-in profile. */
  authenticatorDevice(): string | null {
    const mine = this.settings.authenticator;
    return mine && mine.profileId === this.signedIn?.profileId ? mine.deviceIdentifier : null;
  }

  appState(): AppState {
    return {
      pendingApprovals: this.signedIn?.approvals.count ?? 0,
      openBallots: this.signedIn?.voting.count ?? 0,
      transfersPaused: this.transfers.queue.isPaused,
    };
  }

  setTransfersPaused(paused: boolean): AppState {
    this.transfers.queue.setPaused(paused);
    return this.appStateChanged();
  }

  /** The built-in engine, while the app uses it; undefined with a remote engine. */
  localEngine(): EngineHandle | undefined {
    return this.settings.engine.mode === 'embedded' && this.status.state === 'ready'
      ? this.embedded
      : undefined;
  }

  async useEngine(choice: Settings['engine']): Promise<SessionState> {
    await this.ready;
    if (this.signedIn) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.signed_in',
        message: 'Sign out before switching to another engine.',
      });
    }
    if (choice.mode === 'remote' && !isAllowedEngineUrl(choice.apiUrl)) {
      // The password and tokens would cross the network in clear text.
      throw new PrivicoreError({
        status: 0,
        reason: 'client.insecure_engine',
        message: `${choice.apiUrl} is on another computer over plain http, which would send your password unencrypted. Use the engine's https:// address (plain http works only for an engine on this computer).`,
      });
    }
    const engine = choice.mode === 'remote' ? await this.trustedRemote(choice) : choice;
    await this.patchSettings({ engine });
    await this.connectEngine();
    if (this.status.state !== 'ready') {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.network',
        message: this.status.message ?? 'The engine is not reachable.',
      });
    }
    return this.changed();
  }

  /**
   * Which certificate to trust for a remote engine, checked before anything is sent to it: a
   * given pin must match; without one, a certificate a trusted authority vouches for is used as
   * usual, and any other is refused with its fingerprint for the person to confirm (trust on
   * first use: the window asks, then sends the pin back).
   */
  private async trustedRemote(choice: {
    mode: 'remote';
    apiUrl: string;
    tlsPin?: string;
  }): Promise<Settings['engine']> {
    const apiUrl = choice.apiUrl.replace(/\/+$/, '');
    if (!apiUrl.startsWith('https:')) {
      if (choice.tlsPin)
        throw new PrivicoreError({
          status: 0,
          reason: 'client.pin_needs_https',
          message: 'A certificate fingerprint goes with an https:// engine address only.',
        });
      return { mode: 'remote', apiUrl };
    }
    const given = choice.tlsPin === undefined ? undefined : normalizePin(choice.tlsPin);
    if (choice.tlsPin !== undefined && !given)
      throw new PrivicoreError({
        status: 0,
        reason: 'client.bad_pin',
        message: 'That is not a certificate fingerprint (they look like sha256:… ).',
      });
    const probe = await probeTls(apiUrl).catch((error: unknown) => {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.network',
        message: `Can't reach the engine at ${apiUrl} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check the address and that it is running.`,
        cause: error,
      });
    });
    if (given) {
      if (probe.pin !== given)
        throw pinMismatch(new PinMismatchError(probe.host, given, probe.pin));
      return { mode: 'remote', apiUrl, tlsPin: given };
    }
    if (probe.trusted) return { mode: 'remote', apiUrl };
    throw new PrivicoreError({
      status: 0,
      reason: 'client.tls_untrusted',
      message: `The engine at ${probe.host} has a certificate this computer can't verify. Its fingerprint is ${probe.pin}.`,
      details: { engineUrl: apiUrl, fingerprint: probe.pin },
    });
  }

  async signUp(username: string, password: string): Promise<SessionState> {
    await this.ready;
    return this.begin(
      await signUp({ ...this.address(), secrets: this.secrets, username, password }),
    );
  }

  async signIn(username: string, password: string): Promise<SessionState> {
    await this.ready;
    const address = this.address();
    const attempts = `${address.apiUrl} ${username}`;
    let begun;
    try {
      begun = await logIn({ ...address, secrets: this.secrets, username, password });
    } catch (error) {
      if (!isPrivicoreError(error, 'auth.invalid_credentials')) throw error;
      const left = this.signInAttempts.fail(attempts);
      if (left === 0 || left > WARN_WHEN_LEFT) throw error;
      throw new PrivicoreError({
        status: error.status,
        reason: error.reason,
        message: error.message,
        details: { attemptsLeft: String(left) },
      });
    }
    this.signInAttempts.succeed(attempts);
    return this.begin(begun);
  }

  /**
   * Whether the app may quit now: with transfers running, the person is asked first (Keep
   * going, or stop them); stopped uploads are offered again after the next start.
   */
  async confirmQuit(): Promise<boolean> {
    const running = this.transfers.queue.activeCount;
    return running === 0 || this.platform.confirmQuitWithTransfers(running);
  }

  /**
   * Joins the profile that showed a pairing code, as a new device of it: redeems the code at
   * the engine the code names, switches the app to that engine (the built-in one when the code
   * names it, else as a remote engine) and signs in with the device token. The data key follows
   * once the other device shares it (VaultKeyStatus).
   */
  async pair(payloadText: string, deviceName: string): Promise<PairingResult> {
    await this.ready;
    if (this.signedIn) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.signed_in',
        message: 'This computer is signed in already. Sign out first to join a vault by pairing.',
      });
    }
    let payload;
    try {
      payload = parsePairingPayload(payloadText);
    } catch (error) {
      if (error instanceof PairingPayloadError)
        throw new PrivicoreError({
          status: 0,
          reason: `pairing.${error.problem}`,
          message: error.message,
        });
      throw error;
    }
    let redeemed;
    try {
      redeemed = await redeemPairing({ payload, deviceName, secrets: this.secrets });
    } catch (error) {
      if (isPrivicoreError(error, 'client.network')) {
        throw new PrivicoreError({
          status: 0,
          reason: 'pairing.engine_unreachable',
          message: `Can't reach the engine at ${payload.engineUrl} that the pairing code names. Both computers must reach it (a built-in engine answers only on its own computer).`,
        });
      }
      throw error;
    }
    const embedded =
      this.embedded !== undefined && sameEngine(this.embedded.apiUrl, payload.engineUrl);
    // The code's pin: this computer trusts exactly the certificate the other one showed.
    const engine: Settings['engine'] = embedded
      ? { mode: 'embedded' }
      : {
          mode: 'remote',
          apiUrl: payload.engineUrl,
          ...(payload.tlsPin ? { tlsPin: payload.tlsPin } : {}),
        };
    const switching =
      JSON.stringify(engine) !== JSON.stringify(this.settings.engine) ||
      this.status.state !== 'ready';
    this.settings = {
      ...this.settings,
      engine,
      device: { profileId: redeemed.profileId, deviceIdentifier: redeemed.deviceIdentifier },
    };
    await this.patchSettings({});
    if (switching) await this.connectEngine();
    const session = await resumeSession({
      ...this.address(),
      secrets: this.secrets,
      profileId: redeemed.profileId,
    });
    const state = await this.begin(
      {
        session,
        profileId: redeemed.profileId,
        username: null,
        expiresAt: redeemed.expiresAt,
      },
      redeemed.code,
    );
    return { session: state, keyStatus: this.keyStatus() };
  }

  /** Asks the profile's other devices to let this computer in; the key follows on approval. */
  requestAccess(deviceName: string): Promise<KeyStatus> {
    return this.signed().key.requestAccess(deviceName);
  }

  /** In `compare-code`: whether the code here is the one the other screen shows. */
  confirmCode(matches: boolean): Promise<KeyStatus> {
    return this.signed().key.confirmCode(matches);
  }

  /** The keys came from a recovery kit (already in the keychain): use them. */
  adoptKeys(dataKey: Buffer, profilePrivateKey: string): KeyStatus {
    return this.signed().key.adopt(dataKey, profilePrivateKey);
  }

  /** Signs out every other session of the account; this one stays. */
  async signOutEverywhere(): Promise<{ revoked: number }> {
    return revokeOtherAuthorizationTokens(this.signed().session.http);
  }

  /** The built-in engine, to run a folder as storage; with a remote engine, plain words on why not. */
  storageEngine(): EngineHandle {
    const engine = this.localEngine();
    if (!engine) {
      throw new PrivicoreError({
        status: 0,
        reason: 'storage.local_needs_embedded',
        message: `A folder on this computer can be storage only while the app uses its built-in engine. This vault is on the engine at ${this.status.apiUrl ?? 'another address'}: run a storage device beside that engine instead.`,
      });
    }
    return engine;
  }

  /** Adds a folder as a storage device of the built-in engine. */
  async addLocalStorage(dir: string, name: string | undefined): Promise<LocalStorageDevice> {
    const signed = this.signed();
    const engine = this.storageEngine();
    // The engine requests and approves the device itself; its DEVICE-PENDING is no question for the user.
    const device = await signed.approvals.hold(
      engine.addLocalStorage(
        signed.session.authorizationToken,
        dir,
        name === undefined ? {} : { name },
      ),
    );
    this.options.emit('devices:changed', {
      deviceIdentifier: device.deviceIdentifier,
      change: 'storage',
    });
    return device;
  }

  /** "Let my other computers connect": where the built-in engine answers. */
  reachStatus(): ReachStatus {
    const available = this.settings.engine.mode === 'embedded';
    const engine = this.localEngine();
    const open = available && this.settings.reach.open;
    let port = this.options.reachPort ?? this.settings.reach.port;
    const urls: string[] = [];
    if (open && engine) {
      port = Number(new URL(engine.apiUrl).port) || port;
      for (const address of this.networkAddresses())
        urls.push(`https://${urlHost(address)}:${port}`);
    }
    return {
      available,
      open,
      port,
      urls,
      tlsPin: open ? (engine?.tlsPin ?? null) : null,
    };
  }

  /**
   * Opens the built-in engine to the local network or closes it again: the engine restarts on
   * its new address, and a signed-in session carries on there (its token is the same). Refused
   * while transfers run: their connections would end with the engine.
   */
  async setReachOpen(open: boolean): Promise<ReachStatus> {
    await this.ready;
    if (this.settings.engine.mode !== 'embedded')
      throw new PrivicoreError({
        status: 0,
        reason: 'reach.not_embedded',
        message:
          "This app uses an engine on another computer, which decides itself who can reach it. Only the built-in engine's reach is set here.",
      });
    if (this.transfers.queue.activeCount > 0)
      throw new PrivicoreError({
        status: 0,
        reason: 'reach.transfers_running',
        message:
          'Files are being stored or fetched. Wait for them to finish (or cancel them), then try again: the engine restarts to change who can reach it.',
      });
    if (this.settings.reach.open === open && this.status.state === 'ready')
      return this.reachStatus();
    await this.restartEmbedded({ ...this.settings.reach, open });
    if (this.status.state !== 'ready' && open) {
      // The port is taken, most likely: back to this computer only, and say why.
      const why = this.status.message ?? 'The engine could not start.';
      await this.restartEmbedded({ ...this.settings.reach, open: false });
      throw new PrivicoreError({
        status: 0,
        reason: 'reach.failed',
        message: `Other computers can't be let in: ${why.replace(/^The built-in engine could not start: /, '')} The vault stays on this computer only.`,
      });
    }
    const status = this.reachStatus();
    this.options.emit('reach:changed', status);
    return status;
  }

  private async restartEmbedded(reach: Settings['reach']): Promise<void> {
    const signed = this.signedIn;
    const resume = signed ? { profileId: signed.profileId, username: signed.username } : undefined;
    if (signed) {
      this.end(signed);
      signed.session.close();
    }
    await this.patchSettings({ reach });
    const engine = this.embedded;
    this.embedded = undefined;
    this.embeddedStarting = undefined;
    await engine?.stop();
    await this.connectEngine();
    if (resume && this.status.state === 'ready') {
      const session = await resumeSession({
        ...this.address(),
        secrets: this.secrets,
        profileId: resume.profileId,
      });
      const { expiresAt } = await authorizationTokenExpiry(session.http);
      await this.keep({ session, ...resume, expiresAt });
    }
    this.changed();
  }

  /**
   * Makes a storage device for another computer and saves its configuration there (the save
   * dialog asks where). Only while other computers can reach the engine: the built-in one open
   * to the network, or a remote one.
   */
  async addRemoteStorage(name: string): Promise<RemoteStorageAdded | null> {
    const signed = this.signed();
    const reachable =
      this.settings.engine.mode === 'remote' ||
      (this.settings.reach.open && this.localEngine() !== undefined);
    if (!reachable)
      throw new PrivicoreError({
        status: 0,
        reason: 'storage.remote_needs_reach',
        message:
          'Another computer can run storage for this vault only once it can reach the engine. Turn on "Let my other computers connect" on the Account screen first.',
      });
    const target = await this.platform.chooseDeviceBundleTarget(
      `${name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'storage'}.privicore-device.json`,
    );
    if (!target) return null;
    const bundle = await signed.approvals.hold(createStorageDeviceBundle(signed.session, name));
    // The save dialog asked before replacing a file.
    await writeDeviceBundle(target, bundle, { replace: true });
    this.options.emit('devices:changed', {
      deviceIdentifier: bundle.deviceIdentifier,
      change: 'storage',
    });
    return {
      deviceIdentifier: bundle.deviceIdentifier,
      name,
      bundlePath: target,
      command: `npm run storage-device -- --config ${target.split(/[\\/]/).pop()} --dir FOLDER`,
    };
  }

  async signOut(): Promise<SessionState> {
    const signed = this.signedIn;
    if (signed) {
      await this.transfers.interruptAll();
      this.end(signed);
      try {
        await logOut(signed.session, this.secrets, signed.profileId);
      } finally {
        this.settings = { ...this.settings, profileId: null };
        await this.patchSettings({});
      }
    }
    this.notice = null;
    return this.changed();
  }

  async shutdown(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.transfers.interruptAll();
    const signed = this.signedIn;
    if (signed) {
      this.end(signed);
      signed.session.close();
    }
    await this.embedded?.stop();
  }

  private signed(): SignedInState {
    if (!this.signedIn)
      throw new PrivicoreError({
        status: 401,
        reason: 'auth.missing_token',
        message: 'You are signed out. Sign in again.',
      });
    return this.signedIn;
  }

  private ownDevice(profileId: string): string | null {
    const device = this.settings.device;
    return device && device.profileId === profileId ? device.deviceIdentifier : null;
  }

  private address(): { apiUrl: string; wsUrl: string; tlsPin?: string } {
    if (this.status.state !== 'ready' || !this.status.apiUrl) {
      throw new PrivicoreError({
        status: 0,
        reason: 'client.network',
        message: this.status.message ?? 'The engine is not reachable.',
      });
    }
    const engine = this.settings.engine;
    if (engine.mode === 'embedded' && this.embedded) {
      return {
        apiUrl: this.status.apiUrl,
        wsUrl: this.embedded.wsUrl,
        ...(this.embedded.tlsPin ? { tlsPin: this.embedded.tlsPin } : {}),
      };
    }
    return {
      apiUrl: this.status.apiUrl,
      wsUrl: wsUrlFor(this.status.apiUrl),
      ...(engine.mode === 'remote' && engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
    };
  }

  /** How the built-in engine starts: on loopback, or open to the local network. */
  private engineStart(): EngineStart {
    if (!this.settings.reach.open) return {};
    const addresses = this.networkAddresses();
    return {
      reach: {
        port: this.options.reachPort ?? this.settings.reach.port,
        // With no network at all the engine still opens, on this computer's loopback address.
        publicHost: addresses[0] ?? '127.0.0.1',
        names: addresses,
      },
    };
  }

  private networkAddresses(): string[] {
    return (this.options.networkAddresses ?? localNetworkAddresses)();
  }

  private async connectEngine(): Promise<void> {
    const choice = this.settings.engine;
    if (choice.mode === 'embedded') {
      this.setStatus({ mode: 'embedded', state: 'starting', apiUrl: null, message: null });
      try {
        this.embeddedStarting ??= this.options.startEmbeddedEngine(this.engineStart());
        this.embedded = await this.embeddedStarting;
        this.setStatus({
          mode: 'embedded',
          state: 'ready',
          apiUrl: this.embedded.apiUrl,
          message: null,
        });
      } catch (error) {
        this.embeddedStarting = undefined;
        this.setStatus({
          mode: 'embedded',
          state: 'stopped',
          apiUrl: null,
          message: `The built-in engine could not start: ${(error as Error).message}`,
        });
      }
      return;
    }
    this.setStatus({ mode: 'remote', state: 'starting', apiUrl: choice.apiUrl, message: null });
    const http = new HttpClient({
      apiUrl: choice.apiUrl,
      timeoutMs: 5000,
      ...(choice.tlsPin ? { tlsPin: choice.tlsPin } : {}),
    });
    try {
      await health(http);
      this.setStatus({ mode: 'remote', state: 'ready', apiUrl: choice.apiUrl, message: null });
    } catch (error) {
      // A certificate that is not the pinned one is said as it is, never as "unreachable".
      const untrusted =
        isPrivicoreError(error, 'client.tls_pin_mismatch') ||
        isPrivicoreError(error, 'client.tls_untrusted');
      this.setStatus({
        mode: 'remote',
        state: 'unreachable',
        apiUrl: choice.apiUrl,
        message: untrusted
          ? (error as Error).message
          : `Can't reach the engine at ${choice.apiUrl}. Check the address and that it is running.`,
      });
    } finally {
      http.close();
    }
  }

  private async restore(): Promise<void> {
    // A computer paired by QR has a profile but no username; the profile is what counts.
    const { profileId, username } = this.settings;
    if (!profileId || this.status.state !== 'ready') return;
    try {
      const session = await resumeSession({ ...this.address(), secrets: this.secrets, profileId });
      const { expiresAt } = await authorizationTokenExpiry(session.http);
      await this.keep({ session, profileId, username, expiresAt });
    } catch (error) {
      if (isPrivicoreError(error) && error.status === 401) this.notice = ENDED_NOTICE.expired;
    }
  }

  private async begin(result: Begun, pairingCode?: string): Promise<SessionState> {
    if (this.settings.engine.mode === 'embedded' && this.embedded) {
      await this.embedded.ensureLocalStorage(result.session.authorizationToken);
    }
    await this.keep(result, pairingCode);
    this.notice = null;
    this.settings = { ...this.settings, profileId: result.profileId, username: result.username };
    await this.patchSettings({});
    return this.changed();
  }

  private keep(result: Begun, pairingCode?: string): Promise<void> {
    const { session, profileId, username } = result;
    const keeper = new SessionKeeper({
      session,
      expiresAt: Date.parse(result.expiresAt),
      onRenewed: (token) =>
        saveProfileSecrets(this.secrets, profileId, { authorizationToken: token }),
      onEnded: (why) => {
        void this.transfers.interruptAll();
        if (this.signedIn) this.end(this.signedIn);
        session.close();
        this.notice = ENDED_NOTICE[why];
        this.changed();
      },
    });
    const key = new VaultKeyStatus({
      session,
      secrets: this.secrets,
      profileId,
      deviceIdentifier: this.ownDevice(profileId),
      saveDevice: async (deviceIdentifier) => {
        this.settings = {
          ...this.settings,
          device: deviceIdentifier ? { profileId, deviceIdentifier } : null,
        };
        await this.patchSettings({});
      },
      onChange: (status) => this.options.emit('vault:keyStatus', status),
      ...(pairingCode === undefined ? {} : { code: pairingCode }),
      ...(this.options.keyPollIntervalMs === undefined
        ? {}
        : { intervalMs: this.options.keyPollIntervalMs }),
    });
    const holds = new HeldOperations({
      session,
      emit: this.options.emit,
      onHold: (hold) => this.transfers.queue.applyHold(hold),
      ...(this.options.holdPollIntervalMs === undefined
        ? {}
        : { pollMs: this.options.holdPollIntervalMs }),
    });
    const approvals = new DeviceApprovals({
      session,
      ownDevice: () => key.ownDevice(),
      platform: this.platform,
      emit: this.options.emit,
      onCountChange: () => this.appStateChanged(),
      forgetLocalStorage: async (deviceIdentifier) =>
        this.localEngine()?.forgetLocalStorage(deviceIdentifier),
      holds,
      ...(this.options.keyPollIntervalMs === undefined
        ? {}
        : { intervalMs: this.options.keyPollIntervalMs }),
    });
    const voting = new ComputerAuthenticator({
      session,
      secrets: this.secrets,
      profileId,
      address: this.address(),
      platform: this.platform,
      emit: this.options.emit,
      onCountChange: () => this.appStateChanged(),
      holds,
      settings: () => this.settings,
      saveSettings: (patch) => this.patchSettings(patch),
      holdDeviceEvents: (work) => approvals.hold(work),
    });
    // An invitation to an organisation: the window looks at its invitations again and shows
    // them; a notification leads there. Answering is the person's act on the banner.
    session.channel.on('directory-invitation', ({ invitationId, directoryName }) => {
      this.options.emit('org:invitation', { invitationId, directoryName });
      this.platform.notify(
        `Invitation to ${directoryName}`,
        'You were invited to join an organisation. Open Privicore Vault to accept or decline.',
        () => this.options.emit('app:navigate', { screen: 'organisation' }),
      );
    });
    this.signedIn = { session, keeper, profileId, username, approvals, key, holds, voting };
    this.options.emit('vault:keyStatus', key.status());
    void key.start().catch(() => undefined);
    void approvals.start();
    // Joins with this computer's authenticator token, so ballots arrive while the window is hidden.
    void voting.start().catch(() => undefined);
    // Consent links that arrived while nobody was signed in are asked about now.
    void this.consents.resume().catch(() => undefined);
    // Uploads a sign-out, quit or crash cut off are listed before the window asks for them.
    return this.transfers.restore(profileId);
  }

  /** Writes the settings (with a change), one write after another. */
  private patchSettings(patch: Partial<Settings>): Promise<void> {
    this.settings = { ...this.settings, ...patch };
    const write = this.settingsWrites.then(() =>
      saveSettings(this.options.settingsFile, this.settings),
    );
    this.settingsWrites = write.catch(() => undefined);
    return write;
  }

  /** Stops what watched the session; the caller closes or logs out the session itself. */
  private end(signed: SignedInState): void {
    signed.keeper.stop();
    signed.approvals.stop();
    signed.key.stop();
    signed.holds.stop();
    signed.voting.stop();
    this.consents.clear();
    this.signedIn = undefined;
    this.options.emit('vault:keyStatus', { ...NO_KEY });
    this.appStateChanged();
  }

  private setStatus(status: EngineStatus): void {
    this.status = status;
    this.options.emit('engine:status', { ...status });
  }

  private changed(): SessionState {
    const state = this.sessionState();
    this.options.emit('session:changed', state);
    return state;
  }

  private appStateChanged(): AppState {
    const state = this.appState();
    this.options.emit('app:state', state);
    const badge = badgeCount(state);
    if (badge !== this.lastBadge) {
      this.lastBadge = badge;
      this.platform.setBadge(badge);
    }
    return state;
  }
}

/** Whether two engine addresses name the same engine (scheme, host, port and path). */
function sameEngine(a: string, b: string): boolean {
  const normal = (url: string) => {
    try {
      const parsed = new URL(url);
      return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      return url;
    }
  };
  return normal(a) === normal(b);
}
