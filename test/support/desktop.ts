import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  BridgeEvent,
  BridgeEvents,
  Channel,
  ChannelInput,
  ChannelResult,
} from '../../bridge/channels.ts';
import type { Transfer } from '../../bridge/types.ts';
import { dispatch, VaultError, type BridgeReply } from '../../bridge/vault-api.ts';
import { describeClientError } from '../../client/describe-client-error.ts';
import type { EngineHandle, EngineStart } from '../../main/engine-handle.ts';
import { createHandlers } from '../../main/handlers/index.ts';
import { saveSettings, type Settings } from '../../main/settings.ts';
import { VaultApp } from '../../main/vault-app.ts';
import { tempDir } from './engine.ts';
import { MemorySecretStore } from './memory-secrets.ts';
import { ScriptedPlatform } from './scripted-platform.ts';

/**
 * One installation of the desktop app, without a window: main's real VaultApp and handler table,
 * called through the bridge's dispatch (schemas and all) as the IPC layer does, with its own
 * settings folder, an in-memory keychain and a scripted platform. Two of them on one engine are
 * two computers of one user.
 */
export interface Desktop {
  app: VaultApp;
  platform: ScriptedPlatform;
  secrets: MemorySecretStore;
  dir: string;
  /** Every event main emitted, in order. */
  events: { event: BridgeEvent; payload: unknown }[];
  /** Calls a channel; rejects with the VaultError the renderer would get. */
  call<C extends Channel>(
    channel: C,
    ...input: undefined extends ChannelInput<C> ? [ChannelInput<C>?] : [ChannelInput<C>]
  ): Promise<ChannelResult<C>>;
  /** The raw reply, for calls expected to fail validation. */
  reply(channel: string, input: unknown): Promise<BridgeReply>;
  /** The first event of this kind (already emitted or still to come) that matches. */
  event<E extends BridgeEvent>(
    event: E,
    matches?: (payload: BridgeEvents[E]) => boolean,
  ): Promise<BridgeEvents[E]>;
  /** Resolves when a transfer has ended (done, failed, cancelled or interrupted). */
  transferEnded(transferId: string): Promise<Transfer>;
  /** Quits the app and starts it again on the same settings and keychain (a restart of the computer's app). */
  restart(): Promise<Desktop>;
  close(): Promise<void>;
}

export interface DesktopOptions {
  /** The built-in engine this installation starts (often one shared by several). */
  engine(start: EngineStart): Promise<EngineHandle>;
  /** The port "Let my other computers connect" listens on (tests: 0, any free one). */
  reachPort?: number;
  /** Start on a remote engine at this address instead. */
  remoteEngine?: string;
  /** …pinned to this TLS pin. */
  remoteTlsPin?: string;
  keyPollIntervalMs?: number;
  /** Reuse an installation's folder and keychain (see restart). */
  reuse?: { dir: string; secrets: MemorySecretStore };
}

/** An engine handle several desktops share; only its owner stops it. */
export function shared(handle: EngineHandle): () => Promise<EngineHandle> {
  return async () => ({ ...handle, stop: async () => undefined });
}

export async function startDesktop(options: DesktopOptions): Promise<Desktop> {
  const dir = options.reuse?.dir ?? tempDir('privicore-desktop-');
  const settingsFile = join(dir, 'settings.json');
  if (options.remoteEngine && !options.reuse) {
    const settings: Settings = {
      engine: {
        mode: 'remote',
        apiUrl: options.remoteEngine,
        ...(options.remoteTlsPin ? { tlsPin: options.remoteTlsPin } : {}),
      },
      profileId: null,
      username: null,
      device: null,
      reach: { open: false, port: 9009 },
      authenticator: null,
      ballotHistory: [],
    };
    await saveSettings(settingsFile, settings);
  }
  const platform = new ScriptedPlatform();
  const secrets = options.reuse?.secrets ?? new MemorySecretStore();
  const events: Desktop['events'] = [];
  const watchers = new Set<() => void>();
  const app = await VaultApp.start({
    settingsFile,
    secrets,
    platform,
    startEmbeddedEngine: options.engine,
    emit: (event, payload) => {
      events.push({ event, payload });
      for (const watch of [...watchers]) watch();
    },
    ...(options.keyPollIntervalMs === undefined
      ? {}
      : { keyPollIntervalMs: options.keyPollIntervalMs }),
    ...(options.reachPort === undefined ? {} : { reachPort: options.reachPort }),
  });
  const handlers = createHandlers(app);
  const reply = (channel: string, input: unknown) =>
    dispatch(handlers, channel, input, (error) =>
      describeClientError(error, app.engineStatus().apiUrl),
    );

  const event = <E extends BridgeEvent>(
    name: E,
    matches: (payload: BridgeEvents[E]) => boolean = () => true,
  ) =>
    new Promise<BridgeEvents[E]>((resolve) => {
      const look = () => {
        const found = events.find(
          (entry) => entry.event === name && matches(entry.payload as BridgeEvents[E]),
        );
        if (!found) return;
        watchers.delete(look);
        resolve(found.payload as BridgeEvents[E]);
      };
      watchers.add(look);
      look();
    });

  return {
    app,
    platform,
    secrets,
    dir,
    events,
    async call(channel, ...input) {
      const answer = await reply(channel, input[0]);
      if (!answer.ok) throw new VaultError(answer.error);
      return answer.value as never;
    },
    reply,
    event,
    transferEnded: (transferId) =>
      event(
        'transfer:progress',
        (transfer) =>
          transfer.id === transferId &&
          ['done', 'failed', 'cancelled', 'interrupted'].includes(transfer.state),
      ),
    async restart() {
      await app.shutdown();
      return startDesktop({ ...options, reuse: { dir, secrets } });
    },
    async close() {
      await app.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
