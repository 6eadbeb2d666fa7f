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
const describeError = () => ({ message: 'x', reason: null, status: null });

describe('registerIpc', () => {
  registerIpc(handlers, () => window, describeError);

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

  it('refuses other senders, subframes and non-file origins', async () => {
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
    const remote = { url: 'https://evil.example/' };
    const remoteContents = { mainFrame: remote };
    const { registerIpc: again } = await import('../../../main/ipc.ts');
    expect(again).toBe(registerIpc);
    expect(
      await handled.get('session:get')!({ sender: remoteContents, senderFrame: remote }, undefined),
    ).toMatchObject({ ok: false });
  });

  it('validates input before the handler runs', async () => {
    const reply = await handled.get('files:delete')!(
      { sender: webContents, senderFrame: mainFrame },
      { token: 42 },
    );
    expect(reply).toMatchObject({ ok: false, error: { reason: 'bridge.invalid_input' } });
  });
});
