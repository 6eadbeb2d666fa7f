// What a CLI command works with: output, settings, the engine (a remote one, or the embedded one
// started for this run), the OS keychain and a signed-in session, each made when first needed.

import { resumeSession } from '../client/account.ts';
import { receiveGrantedKeys } from '../client/data-key-grant.ts';
import { isAllowedEngineUrl } from '../client/engine-address.ts';
import { PrivicoreError } from '../client/privicore-error.ts';
import { KEYCHAIN_SERVICE, KeychainStore } from '../client/secrets/keychain.ts';
import { loadProfileSecrets, saveProfileSecrets } from '../client/secrets/profile-secrets.ts';
import { wsUrlFor, type VaultSession } from '../client/session.ts';
import type { EmbeddedEngine } from '../engine/host.ts';
import { readCliConfig, writeCliConfig, type CliConfig } from './cli-config.ts';
import type { CliPaths } from './cli-paths.ts';
import { engineTrust, pinKey } from './engine-trust.ts';
import type { Output } from './output.ts';
import { UsageError } from './usage-error.ts';

export interface GlobalFlags {
  engine?: string;
  ws?: string;
  json: boolean;
  /** --insecure-http: a plain-http engine off this machine is allowed (with a warning). */
  insecureHttp?: boolean;
  /** --pin: the SPKI fingerprint the engine's TLS certificate must have (`sha256:…`). */
  pin?: string;
}

export interface EngineConnection {
  apiUrl: string;
  wsUrl: string;
  /** The pin every connection to the engine checks (engine-trust.ts); none: the system's CAs. */
  tlsPin?: string;
  /** Set when this run started the embedded engine. */
  embedded?: EmbeddedEngine;
}

export interface ContextOptions {
  /**
   * A command that only reads the engine's index (ls, find): the embedded engine starts without
   * its local storage devices, and the session holds the token alone (no keys are read from the
   * keychain, and none granted meanwhile are fetched: the next command that needs them does).
   */
  indexOnly?: boolean;
}

export class CliContext {
  /** PRIVICORE_VAULT_KEYCHAIN_SERVICE keeps two installations (or two test machines) apart. */
  readonly secrets = new KeychainStore(
    process.env['PRIVICORE_VAULT_KEYCHAIN_SERVICE'] || KEYCHAIN_SERVICE,
  );
  private engineConnection: Promise<EngineConnection> | undefined;
  private openSession: Promise<VaultSession> | undefined;

  private constructor(
    readonly out: Output,
    readonly paths: CliPaths,
    readonly flags: GlobalFlags,
    readonly signal: AbortSignal,
    public config: CliConfig,
    private readonly options: ContextOptions,
  ) {}

  static async create(
    out: Output,
    paths: CliPaths,
    flags: GlobalFlags,
    signal: AbortSignal,
    options: ContextOptions = {},
  ): Promise<CliContext> {
    return new CliContext(
      out,
      paths,
      flags,
      signal,
      await readCliConfig(paths.configFile),
      options,
    );
  }

  /** The engine URL this run uses, as it should be saved: undefined for the embedded engine. */
  get configuredEngineUrl(): string | undefined {
    if (this.flags.engine !== undefined)
      return this.flags.engine === 'embedded' ? undefined : this.flags.engine;
    return this.config.engineUrl;
  }

  engine(): Promise<EngineConnection> {
    this.engineConnection ??= this.connectEngine();
    return this.engineConnection;
  }

  /** A session from the keychain for the configured profile. */
  session(): Promise<VaultSession> {
    this.openSession ??= this.resume();
    return this.openSession;
  }

  /** Hands over a session made by signup or login, so close() ends it. */
  adoptSession(session: VaultSession): void {
    this.openSession = Promise.resolve(session);
  }

  async saveConfig(patch: Partial<CliConfig>): Promise<void> {
    this.config = { ...this.config, ...patch };
    await writeCliConfig(this.paths.configFile, this.config);
  }

  /** Remembers an engine's TLS pin, so later runs check it without --pin. */
  async savePin(apiUrl: string, pin: string): Promise<void> {
    await this.saveConfig({ tlsPins: { ...this.config.tlsPins, [pinKey(apiUrl)]: pin } });
  }

  requireProfileId(): string {
    if (!this.config.profileId) {
      throw new PrivicoreError({
        status: 401,
        reason: 'auth.missing_token',
        message: 'Not logged in.',
      });
    }
    return this.config.profileId;
  }

  async close(): Promise<void> {
    const session = await this.openSession?.catch(() => undefined);
    session?.close();
    const engine = await this.engineConnection?.catch(() => undefined);
    await engine?.embedded?.stop();
  }

  private async connectEngine(): Promise<EngineConnection> {
    const apiUrl = this.configuredEngineUrl;
    if (apiUrl !== undefined) {
      let parsed: URL;
      try {
        parsed = new URL(apiUrl);
      } catch {
        throw new UsageError(`--engine needs an http(s) URL or "embedded", got "${apiUrl}".`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new UsageError(`--engine needs an http(s) URL, got "${apiUrl}".`);
      if (!isAllowedEngineUrl(apiUrl)) {
        // Passwords and tokens would cross the network in clear text.
        if (!this.flags.insecureHttp)
          throw new UsageError(
            `the engine ${apiUrl} is on another machine over plain http, which sends your password and tokens unencrypted. Use its https address; for a LAN test setup only, add --insecure-http.`,
          );
        this.out.note(
          `Warning: ${apiUrl} is plain http: your password and tokens cross the network unencrypted (--insecure-http).`,
        );
      }
      const clean = pinKey(apiUrl);
      const trust = await engineTrust({
        apiUrl: clean,
        flagPin: this.flags.pin,
        savedPin: this.config.tlsPins?.[clean],
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        signal: this.signal,
      });
      if (trust.save) await this.savePin(clean, trust.save);
      return {
        apiUrl: clean,
        wsUrl: this.flags.ws ?? this.config.wsUrl ?? wsUrlFor(clean),
        ...(trust.pin ? { tlsPin: trust.pin } : {}),
      };
    }
    if (this.flags.pin !== undefined)
      throw new UsageError(
        "--pin checks a remote engine's certificate; the embedded engine runs in this process.",
      );
    // Loaded only when used: a remote engine needs none of the engine's code or native modules.
    const { startEmbeddedEngine } = await import('../engine/host.ts');
    // Engine logs would drown the CLI's one-line messages; PRIVICORE_LOG_LEVEL brings them back.
    const embedded = await startEmbeddedEngine({
      dataDir: this.paths.engineDir,
      logLevel: process.env['PRIVICORE_LOG_LEVEL'] ?? 'error',
      ...(this.options.indexOnly ? { startLocalStorage: false } : {}),
    });
    return { apiUrl: embedded.apiUrl, wsUrl: this.flags.ws ?? embedded.wsUrl, embedded };
  }

  private async resume(): Promise<VaultSession> {
    const profileId = this.requireProfileId();
    // A session needs three of the profile's secrets, not all seven, and a list only its token:
    // each is a keychain round trip (D-Bus on Linux). They are read while the embedded engine
    // starts and awaited after it, so a failure of either is reported as before, the engine's first.
    const reading = loadProfileSecrets(
      this.secrets,
      profileId,
      this.options.indexOnly
        ? ['authorization-token']
        : ['authorization-token', 'private-key', 'data-key'],
    );
    reading.catch(() => undefined);
    const engine = await this.engine();
    const secrets = await reading;
    const session = await resumeSession({
      apiUrl: engine.apiUrl,
      wsUrl: engine.wsUrl,
      ...(engine.tlsPin ? { tlsPin: engine.tlsPin } : {}),
      profileId,
      secrets: this.secrets,
      loaded: secrets,
    });
    if (!this.options.indexOnly && !session.dataKey && this.config.deviceIdentifier) {
      // A machine that joined: its keys may have been shared since, by the profile key it trusts.
      const joined = await loadProfileSecrets(this.secrets, profileId, [
        'device-private-key',
        'trusted-profile-key',
      ]);
      if (joined.devicePrivateKey && joined.trustedProfileKey) {
        const keys = await receiveGrantedKeys(
          session.http,
          this.config.deviceIdentifier,
          joined.devicePrivateKey,
          joined.trustedProfileKey,
        ).catch(() => undefined);
        if (keys) {
          await saveProfileSecrets(this.secrets, profileId, {
            dataKey: keys.dataKey,
            privateKey: keys.profilePrivateKey,
          });
          session.setDataKey(keys.dataKey);
          session.setProfilePrivateKey(keys.profilePrivateKey);
        }
      }
    }
    return session;
  }
}
