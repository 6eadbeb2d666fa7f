// The renderer's side of the pairing and approval prompts: a join proved on this panel opens the
// prompt; answering sends the person's choice; a stranger is reported; closing the panel tells
// main; the joining side's code confirmation goes through.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PairingJoin } from '../../../../bridge/types.ts';
import {
  createAppStore,
  pairingSelectors,
  subscribeToBridgeEvents,
  uiSelectors,
} from '../../../../renderer/store/index.ts';
import { installVaultStandIn } from './vault-stand-in.ts';

afterEach(() => vi.unstubAllGlobals());

const join: PairingJoin = {
  deviceIdentifier: '0190a1b2-c3d4-7e5f-8a9b-000000000001',
  deviceName: 'Laptop B',
  pairedAt: '2026-02-01T00:00:00.000Z',
  code: '482 913',
};

describe('pairing prompts', () => {
  it('opens the prompt for a proved join, sends the answer once, and reloads the devices', async () => {
    const vault = installVaultStandIn({
      'pairing:answer': async () => undefined,
      'devices:list': async () => [],
    });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    vault.emit('pairing:joined', join);
    expect(uiSelectors.dialog(store.getState())).toEqual({ kind: 'pairing-join', join });
    expect(pairingSelectors.joins(store.getState())).toEqual([join]);

    expect(await store.getState().answerPairingJoin(join.deviceIdentifier, true)).toBeNull();
    expect(vault.callsTo('pairing:answer')).toEqual([
      { deviceIdentifier: join.deviceIdentifier, give: true },
    ]);
    expect(pairingSelectors.joins(store.getState())).toEqual([]);
    expect(store.getState().notices.at(-1)?.text).toBe('Laptop B can now open your files.');
    off();
  });

  it('keeps the prompt open with the words when the answer fails', async () => {
    installVaultStandIn({
      'pairing:answer': async () => {
        throw new Error('The pairing panel was closed.');
      },
    });
    const store = createAppStore();
    store.getState().applyPairingJoin(join);
    const failure = await store.getState().answerPairingJoin(join.deviceIdentifier, false);
    expect(failure?.message).toContain('closed');
    expect(pairingSelectors.joins(store.getState())).toEqual([join]);
  });

  it('reports a device that joined with a code this computer did not show', async () => {
    const vault = installVaultStandIn({ 'devices:list': async () => [] });
    const store = createAppStore();
    const off = subscribeToBridgeEvents(store);
    vault.emit('pairing:stranger', { deviceIdentifier: join.deviceIdentifier, deviceName: 'X' });
    expect(store.getState().notices.at(-1)).toMatchObject({
      tone: 'warning',
      text: expect.stringMatching(
        /^X joined your vault with a pairing code this computer didn't show/,
      ),
    });
    expect(uiSelectors.dialog(store.getState())).toBeNull();
    off();
  });

  it('tells main when the panel closes, so its codes verify nothing more', async () => {
    const vault = installVaultStandIn({
      'pairing:createQr': async () => ({
        qrPayload: 'privicore://authorize?token=Q-x',
        expiresAt: '2026-02-01T00:05:00.000Z',
        qrImage: 'data:image/png;base64,',
        localOnly: false,
      }),
      'pairing:close': async () => undefined,
    });
    const store = createAppStore();
    await store.getState().createPairingQr();
    store.getState().closePairingQr();
    await vi.waitFor(() => expect(vault.callsTo('pairing:close')).toHaveLength(1));
  });

  it('sends the joining side’s answer to the code comparison', async () => {
    const vault = installVaultStandIn({
      'vault:confirmCode': async ({ matches }) => ({
        state: matches ? 'waiting-for-approval' : 'missing',
        deviceIdentifier: null,
        notice: null,
        code: null,
      }),
    });
    const store = createAppStore();
    await store.getState().confirmCode(false);
    expect(vault.callsTo('vault:confirmCode')).toEqual([{ matches: false }]);
    expect(store.getState().keyStatus?.state).toBe('missing');
  });
});
