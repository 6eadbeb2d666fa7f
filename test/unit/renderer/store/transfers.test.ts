import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transfer } from '../../../../bridge/types.ts';
import { createAppStore, transfersSelectors } from '../../../../renderer/store/index.ts';
import { installVaultStandIn } from './vault-stand-in.ts';

const transfer = (id: string, change: Partial<Transfer> = {}): Transfer => ({
  id,
  batchId: 'b1',
  kind: 'upload',
  name: `${id}.bin`,
  context: '/',
  bytes: 0,
  total: 100,
  state: 'queued',
  error: null,
  token: null,
  target: null,
  renamedFrom: null,
  retryable: true,
  hold: null,
  ...change,
});

beforeEach(() => {
  installVaultStandIn({
    'files:list': async () => ({ items: [], count: 0, page: 1, perPage: 50 }),
    'files:contexts': async () => [],
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('transfers slice', () => {
  it('summarises a batch once, when the last of its announced transfers ends', () => {
    const store = createAppStore();
    const { applyTransferUpdate, trackBatch } = store.getState();
    // An event can beat the call that started the batch; it must not end the batch early.
    applyTransferUpdate(transfer('a', { state: 'done', bytes: 100 }));
    trackBatch({ batchId: 'b1', transfers: [transfer('a'), transfer('b'), transfer('c')] });
    expect(store.getState().transfers.find((t) => t.id === 'a')?.state).toBe('done');
    applyTransferUpdate(transfer('b', { state: 'failed', error: 'Disk full.' }));
    expect(transfersSelectors.summaries(store.getState())).toEqual([]);
    applyTransferUpdate(transfer('c', { state: 'done', bytes: 100 }));
    applyTransferUpdate(transfer('c', { state: 'done', bytes: 100 }));
    const summaries = transfersSelectors.summaries(store.getState());
    expect(summaries.map((s) => [s.text, s.reason])).toEqual([
      ['2 files secured, 1 failed', 'b.bin: Disk full.'],
    ]);
  });

  it('refreshes the list when uploads land, at most once per burst', async () => {
    vi.useFakeTimers();
    const store = createAppStore();
    store.setState({ session: { status: 'signed-in' } as never });
    const loadFiles = vi.spyOn(store.getState(), 'loadFiles');
    store.setState({ loadFiles });
    store
      .getState()
      .trackBatch({ batchId: 'b1', transfers: [transfer('a'), transfer('b'), transfer('c')] });
    store.getState().applyTransferUpdate(transfer('a', { state: 'done' }));
    store.getState().applyTransferUpdate(transfer('b', { state: 'done' }));
    expect(loadFiles).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    expect(loadFiles).toHaveBeenCalledTimes(1);
    store.getState().applyTransferUpdate(transfer('c', { state: 'done' }));
    expect(loadFiles).toHaveBeenCalledTimes(2);
  });

  it('reports bytes-weighted progress of what still runs', () => {
    const store = createAppStore();
    store.getState().trackBatch({
      batchId: 'b1',
      transfers: [
        transfer('a', { state: 'running', bytes: 50, total: 100 }),
        transfer('b', { state: 'running', bytes: 0, total: 300 }),
      ],
    });
    expect(transfersSelectors.activeCount(store.getState())).toBe(2);
    expect(transfersSelectors.overallPercent(store.getState())).toBe(12);
    expect(transfersSelectors.active(store.getState())).toBe(
      transfersSelectors.active(store.getState()),
    );
  });

  it('treats batches that ended before the window opened as history', async () => {
    const vault = installVaultStandIn({
      'files:transfers': async () => [
        transfer('old', { batchId: 'b0', state: 'done' }),
        transfer('live', { state: 'running' }),
      ],
    });
    const store = createAppStore();
    await store.getState().loadTransfers();
    expect(store.getState().transfers.map((t) => t.id)).toEqual(['live']);
    store.getState().applyTransferUpdate(transfer('old', { batchId: 'b0', state: 'done' }));
    expect(transfersSelectors.summaries(store.getState())).toEqual([]);
    store.getState().applyTransferUpdate(transfer('live', { state: 'done' }));
    expect(transfersSelectors.summaries(store.getState()).map((s) => s.text)).toEqual([
      '1 file secured',
    ]);
    await store.getState().cancelTransfer('live');
    expect(vault.callsTo('files:cancel')).toEqual([{ transferId: 'live' }]);
  });

  it('dismissing a summary clears its rows; clearing keeps running batches', () => {
    const store = createAppStore();
    store.getState().trackBatch({ batchId: 'b1', transfers: [transfer('a', { state: 'done' })] });
    store.getState().trackBatch({
      batchId: 'b2',
      transfers: [transfer('b', { batchId: 'b2', state: 'running' })],
    });
    store.getState().dismissSummary('b1');
    expect(store.getState().transfers.map((t) => t.id)).toEqual(['b']);
    store.getState().clearFinished();
    expect(store.getState().transfers.map((t) => t.id)).toEqual(['b']);
  });

  it('keeps interrupted uploads from an earlier run in view, and retries one from main', async () => {
    const vault = installVaultStandIn({
      'files:transfers': async () => [
        transfer('cut', { batchId: 'old', state: 'interrupted' }),
        transfer('fine', { batchId: 'old', state: 'done' }),
      ],
      'files:retry': async () => ({
        batchId: 'new',
        transfers: [transfer('again', { batchId: 'new', state: 'queued' })],
      }),
      'files:forget': async () => undefined,
    });
    const store = createAppStore();
    await store.getState().loadTransfers();
    expect(store.getState().transfers.map((t) => [t.id, t.state])).toEqual([
      ['cut', 'interrupted'],
    ]);
    await store.getState().retryTransfer('cut');
    expect(vault.callsTo('files:retry')).toEqual([{ transferId: 'cut' }]);
    expect(store.getState().transfers.map((t) => t.id)).toEqual(['again']);
    store.getState().applyTransferUpdate(transfer('again', { batchId: 'new', state: 'done' }));
    store.getState().clearFinished();
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.callsTo('files:forget')).toEqual([{ transferIds: ['again'] }]);
  });

  it('asks before signing out while transfers run, and not otherwise', async () => {
    const vault = installVaultStandIn({
      'session:signOut': async () => ({
        status: 'signed-out',
        username: null,
        profileId: null,
        engine: { mode: 'embedded', apiUrl: null },
        expiresAt: null,
        notice: null,
      }),
    });
    const store = createAppStore();
    store
      .getState()
      .trackBatch({ batchId: 'b1', transfers: [transfer('a', { state: 'running' })] });
    store.getState().requestSignOut();
    expect(store.getState().dialog).toEqual({ kind: 'sign-out', running: 1 });
    expect(vault.callsTo('session:signOut')).toEqual([]);
    store.getState().closeDialog();
    store.getState().applyTransferUpdate(transfer('a', { state: 'done' }));
    store.getState().requestSignOut();
    expect(store.getState().dialog).toBeNull();
    expect(vault.callsTo('session:signOut')).toHaveLength(1);
  });
});
