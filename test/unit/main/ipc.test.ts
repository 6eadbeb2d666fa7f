import { describe, expect, it, vi } from 'vitest';
import { channels, type Channel } from '../../../bridge/channels.ts';
import type { HandlerTable } from '../../../bridge/vault-api.ts';

const handled = vi.hoisted(
  () => new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
);
vi.mock('electron', () => ({
  ipcMain: {
    handle: (name: string, fn: (event: unknown, input: unknown) => Promise<unknown>) =>
      handled.set(name, fn),
  },
}));

const { registerIpc } = await import('../../../main/ipc.ts');

const handlers = Object.fromEntries(
  (Object.keys(channels) as Channel[]).map((name) => [name, async () => `ran ${name}`]),
) as unknown as HandlerTable;
const mainFrame = { url: 'file:///app/out/renderer/index.html' };
const webContents = { mainFrame };
const window = { webContents } as never;
/** The window main knows; a test may swap it. */
let current: unknown = window;
const describeError = () => ({ message: 'x', reason: null, status: null });

describe('registerIpc', () => {
  registerIpc(handlers, () => current as never, describeError);

  it('registers one handler per bridge channel', () => {
    expect([...handled.keys()].sort()).toEqual(Object.keys(channels).sort());
  });

  it('answers our window’s top frame', async () => {
    const reply = await handled.get('engine:status')!(
      { sender: webContents, senderFrame: mainFrame },
      undefined,
    );
    expect(reply).toEqual({ ok: true, value: 'ran engine:status' });
  });

  it('refuses other senders and subframes', async () => {
    // Each case has exactly one fault.
    const cases = [
      { sender: {}, senderFrame: mainFrame },
      { sender: webContents, senderFrame: { url: 'file:///app/out/renderer/index.html' } },
      { sender: webContents, senderFrame: null },
    ];
    for (const event of cases) {
      expect(await handled.get('session:get')!(event, undefined)).toMatchObject({
        ok: false,
        error: { reason: 'bridge.untrusted_sender' },
      });
    }
  });

  it('refuses our own window’s top frame once it shows a page that is not file://', async () => {
    // The right window, the right frame: only the origin is wrong (a navigation got through).
    const remoteFrame = { url: 'https://evil.example/' };
    const remoteContents = { mainFrame: remoteFrame };
    current = { webContents: remoteContents };
    try {
      expect(
        await handled.get('session:get')!(
          { sender: remoteContents, senderFrame: remoteFrame },
          undefined,
        ),
      ).toMatchObject({ ok: false, error: { reason: 'bridge.untrusted_sender' } });
      // The same frame back on the app's page is answered: the origin was the one fault.
      remoteFrame.url = 'file:///app/out/renderer/index.html';
      expect(
        await handled.get('engine:status')!(
          { sender: remoteContents, senderFrame: remoteFrame },
          undefined,
        ),
      ).toEqual({ ok: true, value: 'ran engine:status' });
    } finally {
      current = window;
    }
  });

  it('validates input before the handler runs', async () => {
    const reply = await handled.get('files:delete')!(
      { sender: webContents, senderFrame: mainFrame },
      { token: 42 },
    );
    expect(reply).toMatchObject({ ok: false, error: { reason: 'bridge.invalid_input' } });
  });
});
