import { beforeEach, describe, expect, it, vi } from 'vitest';

// Electron is the one seam these tests cannot run: a minimal stand-in records what main
// registers, and the tests exercise the registered policy functions themselves.
const registered = vi.hoisted(() => ({
  permission: undefined as
    | undefined
    | ((
        wc: unknown,
        permission: string,
        callback: (ok: boolean) => void,
        details: Record<string, unknown>,
      ) => void),
  check: undefined as undefined | ((wc: unknown, permission: string) => boolean),
  headers: undefined as
    | undefined
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        callback: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void),
  appListeners: new Map<string, (...args: unknown[]) => void>(),
}));

vi.mock('electron', () => ({
  app: {
    on: (event: string, listener: (...args: unknown[]) => void) =>
      registered.appListeners.set(event, listener),
  },
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived: (fn: typeof registered.headers) => (registered.headers = fn),
      },
      setPermissionRequestHandler: (fn: typeof registered.permission) =>
        (registered.permission = fn),
      setPermissionCheckHandler: (fn: typeof registered.check) => (registered.check = fn),
    },
  },
}));

const { applySessionPolicy, hardenContents } = await import('../../../main/security.ts');

function decide(permission: string, details: Record<string, unknown> = {}): boolean {
  let answer: boolean | undefined;
  registered.permission!(undefined, permission, (ok) => (answer = ok), details);
  return answer!;
}

describe('session policy', () => {
  beforeEach(() => applySessionPolicy());

  it('denies every permission but camera-only media (QR scanning)', () => {
    for (const permission of [
      'geolocation',
      'notifications',
      'midi',
      'clipboard-read',
      'openExternal',
      'pointerLock',
      'fullscreen',
    ]) {
      expect(decide(permission), permission).toBe(false);
    }
    expect(decide('media', { mediaTypes: ['video'] })).toBe(true);
    expect(decide('clipboard-sanitized-write')).toBe(true);
    expect(decide('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(decide('media', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(decide('media', {})).toBe(false);
  });

  it('adds the strict CSP to every response', () => {
    let headers: Record<string, string[]> = {};
    registered.headers!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (result) => (headers = result.responseHeaders),
    );
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('web contents hardening', () => {
  it('blocks navigation, redirects, webviews and new windows', () => {
    hardenContents();
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (event: string, listener: (event: { preventDefault(): void }) => void) =>
        listeners.set(event, listener),
      setWindowOpenHandler: (handler: () => { action: string }) => (openHandler = handler),
    };
    registered.appListeners.get('web-contents-created')!({}, contents);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      listeners.get(event)!({ preventDefault });
      expect(preventDefault, event).toHaveBeenCalled();
    }
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
});
