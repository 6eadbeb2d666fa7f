import type { Transfer, TransferState } from '../../bridge/types.ts';

const TERMINAL: ReadonlySet<TransferState> = new Set([
  'done',
  'failed',
  'cancelled',
  'interrupted',
]);

export function isTerminal(state: TransferState): boolean {
  return TERMINAL.has(state);
}

/**
 * Folds one transfer update into the list, keeping first-seen order. Progress events can
 * arrive after the call that started the transfer returned its final state (or out of order
 * from a busy main process), so a finished transfer never goes back to running, and bytes
 * never go backwards while it runs.
 */
export function applyTransfer(list: readonly Transfer[], update: Transfer): Transfer[] {
  const index = list.findIndex((transfer) => transfer.id === update.id);
  if (index === -1) return [...list, update];
  const current = list[index]!;
  if (isTerminal(current.state) && !isTerminal(update.state)) return list as Transfer[];
  // The call that queued a transfer can answer after its first "running" event: no going back.
  if (current.state === 'running' && update.state === 'queued')
    return applyTransfer(list, { ...update, state: 'running', bytes: current.bytes });
  const merged: Transfer =
    !isTerminal(update.state) && update.bytes < current.bytes
      ? { ...update, bytes: current.bytes }
      : update;
  const next = list.slice();
  next[index] = merged;
  return next;
}

/** Takes only the vote of an update (contract §11): its outcome may come after the transfer ended. */
export function withHold(list: readonly Transfer[], update: Transfer): Transfer[] {
  const index = list.findIndex((transfer) => transfer.id === update.id);
  if (index === -1 || !update.hold) return list as Transfer[];
  const next = list.slice();
  next[index] = { ...list[index]!, hold: update.hold };
  return next;
}

/** Folds many updates (a started batch, or the list main returns on start-up). */
export function applyTransfers(
  list: readonly Transfer[],
  updates: readonly Transfer[],
): Transfer[] {
  return updates.reduce<Transfer[]>(
    (acc, update) => applyTransfer(acc, update),
    list as Transfer[],
  );
}

/** Drops finished transfers, except those of batches still running (their summary needs them). */
export function withoutFinished(list: readonly Transfer[]): Transfer[] {
  const running = new Set(list.filter((t) => !isTerminal(t.state)).map((t) => t.batchId));
  return list.filter((t) => !isTerminal(t.state) || running.has(t.batchId));
}

/**
 * A batch is over when every transfer in it has finished and, if main told us how many it
 * started, all of them have been seen (an early event must not end a batch of five at one).
 */
export function isBatchFinished(
  list: readonly Transfer[],
  batchId: string,
  expected?: number,
): boolean {
  const members = list.filter((transfer) => transfer.batchId === batchId);
  if (members.length === 0) return false;
  if (expected !== undefined && members.length < expected) return false;
  return members.every((transfer) => isTerminal(transfer.state));
}

/** How far a transfer is, as a whole percent 0..100. */
export function percentDone(transfer: Pick<Transfer, 'bytes' | 'total' | 'state'>): number {
  if (transfer.state === 'done') return 100;
  if (transfer.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((transfer.bytes / transfer.total) * 100)));
}
