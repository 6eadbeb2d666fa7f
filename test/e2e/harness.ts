import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeClientError } from '../../client/describe-client-error.ts';
import { KeychainStore } from '../../client/secrets/keychain.ts';
import { dispatch } from '../../bridge/vault-api.ts';
import {
  embeddedEngineOptions,
  inProcessEngineHandle,
  type EngineHandle,
  type EngineStart,
} from '../../main/engine-handle.ts';
import { createHandlers } from '../../main/handlers/index.ts';
import { VaultApp } from '../../main/vault-app.ts';
import { compiledHost } from '../support/compiled.ts';
import { tempDir } from '../support/engine.ts';
import { GatedProxy } from '../support/gate-proxy.ts';
import { ScriptedPlatform } from '../support/scripted-platform.ts';
import { serveRenderer } from './static-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER = join(ROOT, 'out', 'renderer');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Electron seams, scripted by the test (dialogs, clipboard) and recorded (notifications, badge). */
export class HarnessPlatform extends ScriptedPlatform {}

export interface LaunchOptions {
  /** The app's user-data folder (settings, embedded engine); a fresh temp folder by default. */
  dataDir?: string;
  /** Use this engine instead of starting an embedded one. */
  engine?: { apiUrl: string; wsUrl: string };
  colorScheme?: 'light' | 'dark';
  /**
   * The keychain service this instance keeps its secrets under. Each launch gets its own by
   * default, so two instances are two machines: neither sees the other's keys.
   */
  keychainService?: string;
  /** The window's size; default 1280×800. */
  viewport?: { width: number; height: number };
  /**
   * Put a GatedProxy in front of the built-in engine (its URLs name the proxy), so a test can
   * hold a download mid-flight.
   */
  gate?: boolean;
}

export interface LaunchedVault {
  page: Page;
  app: VaultApp;
  platform: HarnessPlatform;
  dataDir: string;
  /** The proxy in front of the engine, with `gate: true`. */
  gate: GatedProxy | undefined;
  /**
   * Quits the app (main shuts down as on a real quit) and opens it again on the same user data
   * and keychain, in a fresh window: a restart of the app.
   */
  relaunch(): Promise<LaunchedVault>;
  /** Registers real paths for files the test drops by name (Electron's webUtils stand-in). */
  registerDroppedFiles(paths: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

let preloadBundle: Promise<string> | undefined;
function harnessPreload(): Promise<string> {
  preloadBundle ??= build({
    entryPoints: [join(import.meta.dirname, 'harness-preload.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return preloadBundle;
}

let browser: Promise<Browser> | undefined;
function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return browser;
}

/**
 * The desktop app without the Electron binary: main's real handler table and VaultApp in this
 * process (over a real engine and the real OS keychain), the built renderer in Chromium, and a
 * window.vault built by the same bridge code as the preload over a Playwright binding.
 */
export async function launchVault(options: LaunchOptions = {}): Promise<LaunchedVault> {
  if (!existsSync(join(RENDERER, 'index.html')))
    throw new Error('out/renderer is missing: run `npm run build` first');
  const dataDir = options.dataDir ?? tempDir('privicore-vault-app-');
  const keychainService = options.keychainService ?? `privicore-vault-e2e-${randomUUID()}`;
  const platform = new HarnessPlatform();
  const gate = options.gate ? await GatedProxy.start() : undefined;
  const ctx = await (
    await sharedBrowser()
  ).newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await ctx.newPage();
  let pageReady = false;
  const pendingEvents: [string, unknown][] = [];
  const emit = (event: string, payload: unknown) => {
    if (!pageReady) {
      pendingEvents.push([event, payload]);
      return;
    }
    void page
      .evaluate(
        ([name, data]) =>
          (window as unknown as { __vaultEmit?: (e: string, p: unknown) => void }).__vaultEmit?.(
            name,
            data,
          ),
        [event, payload] as const,
      )
      .catch(() => undefined);
  };

  const startEngine = async (start: EngineStart): Promise<EngineHandle> => {
    if (options.engine) {
      // Switching to "built-in" in such a test reaches the given engine, with no local storage of its own.
      return {
        ...options.engine,
        ensureLocalStorage: async () => undefined,
        addLocalStorage: async () => {
          throw new Error('the given engine runs no local storage');
        },
        localStorage: async () => [],
        forgetLocalStorage: async () => false,
        stop: async () => undefined,
      };
    }
    const engine = await compiledHost.startEmbeddedEngine({
      dataDir: join(dataDir, 'engine'),
      logLevel: 'silent',
      ...embeddedEngineOptions(start),
      ...(gate ? { publicUrl: gate.url } : {}),
    });
    gate?.forwardTo({ host: '127.0.0.1', port: Number(new URL(engine.listenUrl).port) });
    return inProcessEngineHandle(engine);
  };
  if (options.engine) {
    // A given engine is a "remote" one from the app's point of view.
    const { saveSettings } = await import('../../main/settings.ts');
    await saveSettings(join(dataDir, 'settings.json'), {
      engine: { mode: 'remote', apiUrl: options.engine.apiUrl },
      profileId: null,
      username: null,
    });
  }
  const app = VaultApp.create({
    settingsFile: join(dataDir, 'settings.json'),
    secrets: new KeychainStore(keychainService),
    platform,
    startEmbeddedEngine: startEngine,
    // "Let my other computers connect" takes any free port here: tests never use a fixed one.
    reachPort: 0,
    emit,
  });
  const handlers = createHandlers(app);
  await page.exposeBinding('__vaultInvoke', (_source, channel: string, input: unknown) =>
    dispatch(handlers, channel, input, (error) =>
      describeClientError(error, app.engineStatus().apiUrl),
    ),
  );
  await page.addInitScript({ content: await harnessPreload() });
  const server = await serveRenderer(RENDERER);
  await page.goto(server.url);
  pageReady = true;
  for (const [event, payload] of pendingEvents.splice(0)) emit(event, payload);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await ctx.close();
    await server.close();
    await app.shutdown();
    await gate?.close();
  };
  return {
    page,
    app,
    platform,
    dataDir,
    gate,
    async relaunch() {
      await close();
      return launchVault({ ...options, dataDir, keychainService });
    },
    async registerDroppedFiles(paths) {
      await page.evaluate(
        (map) =>
          Object.assign(
            (window as unknown as { __droppedPaths: Record<string, string> }).__droppedPaths,
            map,
          ),
        paths,
      );
    },
    close,
  };
}

/** Closes the shared Chromium (call once per test file, in afterAll). */
export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = undefined;
}
