import type { BridgeEvent, BridgeEvents } from '../bridge/channels.ts';
import type { EngineStatus, SessionState } from '../bridge/types.ts';
import { logIn, logOut, resumeSession, signUp, type SignedIn } from '../client/account.ts';
import { authorizationTokenExpiry } from '../client/endpoints/profile.ts';
import { health } from '../client/endpoints/utility.ts';
import { HttpClient } from '../client/http.ts';
import { isPrivicoreError, PrivicoreError } from '../client/privicore-error.ts';
import { saveProfileSecrets } from '../client/secrets/profile-secrets.ts';
import type { SecretStore } from '../client/secrets/secret-store.ts';
import { SessionKeeper, type SessionEnd } from '../client/session-keeper.ts';
import { wsUrlFor, type VaultSession } from '../client/session.ts';
import { TransferQueue } from '../client/transfer-queue.ts';
import type { EngineHandle } from './engine-handle.ts';
import type { Platform } from './platform.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from './settings.ts';

export interface VaultAppOptions {
  settingsFile: string;
  secrets: SecretStore;
  platform: Platform;
  /** Starts the embedded engine (utility process in the app, in-process in tests). */
  startEmbeddedEngine(): Promise<EngineHandle>;
  emit<E extends BridgeEvent>(event: E, payload: BridgeEvents[E]): void;
}

interface SignedInState {
  session: VaultSession;
  keeper: SessionKeeper;
  profileId: string;
  username: string;
}

const ENDED_NOTICE: Record<SessionEnd, string> = {
  expired: 'Your session expired. Sign in again to continue.',
  revoked: 'You were signed out because this session was ended elsewhere. Sign in again to continue.',
};

/**
 * The desktop app's state in main: which engine it uses, who is signed in, and the transfers
 * under way. Handlers (main/handlers/) are thin calls into this; the rules themselves live in
 * client/ (account flows, session keeping, transfers).
 */
export class VaultApp {
  readonly transfers: TransferQueue;
  readonly platform: Platform;
  private settings: Settings = { ...DEFAULT_SETTINGS };
  private embedded: EngineHandle | undefined;
  private embeddedStarting: Promise<EngineHandle> | undefined;
  private status: EngineStatus = { mode: 'embedded', state: 'starting', apiUrl: null, message: null };
  private signedIn: SignedInState | undefined;
  private notice: string | null = null;

  /** Settled once settings are loaded, the engine is up (or known unreachable) and the last session restored. */
  readonly ready: Promise<void>;

  private constructor(private readonly options: VaultAppOptions) {
    this.platform = options.platform;
    this.transfers = new TransferQueue({ onChange: (transfer) => options.emit('transfer:progress', transfer) });
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

  engineStatus(): EngineStatus {
    return { ...this.status };
  }

  sessionState(): SessionState {
    const signed = this.signedIn;
    const settings = this.settings;
    return {
      status: signed ? 'signed-in' : 'signed-out',
      username: signed?.username ?? settings.username,
      profileId: signed?.profileId ?? null,
      engine: { mode: settings.engine.mode, apiUrl: this.status.apiUrl },
      expiresAt: signed ? new Date(signed.keeper.expiresAt).toISOString() : null,
      notice: this.notice,
    };
  }

  /** The signed-in session, or a clear error when there is none. */
  session(): VaultSession {
    if (!this.signedIn) throw new PrivicoreError({ status: 401, reason: 'auth.missing_token', message: 'You are signed out. Sign in again.' });
    return this.signedIn.session;
  }

  async useEngine(choice: Settings['engine']): Promise<SessionState> {
    await this.ready;
    if (this.signedIn) {
      throw new PrivicoreError({ status: 0, reason: 'client.signed_in', message: 'Sign out before switching to another engine.' });
    }
    this.settings = { ...this.settings, engine: choice };
    await saveSettings(this.options.settingsFile, this.settings);
    await this.connectEngine();
    if (this.status.state !== 'ready') {
      throw new PrivicoreError({ status: 0, reason: 'client.network', message: this.status.message ?? 'The engine is not reachable.' });
    }
    return this.changed();
  }

  async signUp(username: string, password: string): Promise<SessionState> {
    await this.ready;
    return this.begin(await signUp({ ...this.address(), secrets: this.options.secrets, username, password }));
  }

  async signIn(username: string, password: string): Promise<SessionState> {
    await this.ready;
    return this.begin(await logIn({ ...this.address(), secrets: this.options.secrets, username, password }));
  }

  async signOut(): Promise<SessionState> {
    const signed = this.signedIn;
    if (signed) {
      this.transfers.cancelAll();
      signed.keeper.stop();
      this.signedIn = undefined;
      try {
        await logOut(signed.session, this.options.secrets, signed.profileId);
      } finally {
        this.settings = { ...this.settings, profileId: null };
        await saveSettings(this.options.settingsFile, this.settings);
      }
    }
    this.notice = null;
    return this.changed();
  }

  async shutdown(): Promise<void> {
    await this.ready.catch(() => undefined);
    this.transfers.cancelAll();
    this.signedIn?.keeper.stop();
    this.signedIn?.session.close();
    this.signedIn = undefined;
    await this.embedded?.stop();
  }

  private address(): { apiUrl: string; wsUrl: string } {
    if (this.status.state !== 'ready' || !this.status.apiUrl) {
      throw new PrivicoreError({ status: 0, reason: 'client.network', message: this.status.message ?? 'The engine is not reachable.' });
    }
    const wsUrl = this.settings.engine.mode === 'embedded' && this.embedded ? this.embedded.wsUrl : wsUrlFor(this.status.apiUrl);
    return { apiUrl: this.status.apiUrl, wsUrl };
  }

  private async connectEngine(): Promise<void> {
    const choice = this.settings.engine;
    if (choice.mode === 'embedded') {
      this.setStatus({ mode: 'embedded', state: 'starting', apiUrl: null, message: null });
      try {
        this.embeddedStarting ??= this.options.startEmbeddedEngine();
        this.embedded = await this.embeddedStarting;
        this.setStatus({ mode: 'embedded', state: 'ready', apiUrl: this.embedded.apiUrl, message: null });
      } catch (error) {
        this.embeddedStarting = undefined;
        this.setStatus({ mode: 'embedded', state: 'stopped', apiUrl: null, message: `The built-in engine could not start: ${(error as Error).message}` });
      }
      return;
    }
    this.setStatus({ mode: 'remote', state: 'starting', apiUrl: choice.apiUrl, message: null });
    const http = new HttpClient({ apiUrl: choice.apiUrl, timeoutMs: 5000 });
    try {
      await health(http);
      this.setStatus({ mode: 'remote', state: 'ready', apiUrl: choice.apiUrl, message: null });
    } catch {
      this.setStatus({
        mode: 'remote',
        state: 'unreachable',
        apiUrl: choice.apiUrl,
        message: `Can't reach the engine at ${choice.apiUrl}. Check the address and that it is running.`,
      });
    } finally {
      http.close();
    }
  }

  private async restore(): Promise<void> {
    const { profileId, username } = this.settings;
    if (!profileId || !username || this.status.state !== 'ready') return;
    try {
      const session = await resumeSession({ ...this.address(), secrets: this.options.secrets, profileId });
      const { expiresAt } = await authorizationTokenExpiry(session.http);
      this.keep({ session, profileId, username, expiresAt });
    } catch (error) {
      if (isPrivicoreError(error) && error.status === 401) this.notice = ENDED_NOTICE.expired;
    }
  }

  private async begin(result: SignedIn): Promise<SessionState> {
    if (this.settings.engine.mode === 'embedded' && this.embedded) {
      await this.embedded.ensureLocalStorage(result.session.authorizationToken);
    }
    this.keep(result);
    this.notice = null;
    this.settings = { ...this.settings, profileId: result.profileId, username: result.username };
    await saveSettings(this.options.settingsFile, this.settings);
    return this.changed();
  }

  private keep(result: { session: VaultSession; profileId: string; username: string; expiresAt: string }): void {
    const { session, profileId, username } = result;
    const keeper = new SessionKeeper({
      session,
      expiresAt: Date.parse(result.expiresAt),
      onRenewed: (token) => saveProfileSecrets(this.options.secrets, profileId, { authorizationToken: token }),
      onEnded: (why) => {
        this.transfers.cancelAll();
        session.close();
        this.signedIn = undefined;
        this.notice = ENDED_NOTICE[why];
        this.changed();
      },
    });
    this.signedIn = { session, keeper, profileId, username };
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
}
