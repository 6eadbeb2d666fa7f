import type { Transfer } from '../../bridge/types.ts';

export interface BatchSummary {
  batchId: string;
  kind: Transfer['kind'];
  done: number;
  failed: number;
  cancelled: number;
  /** Stopped by a sign-out, quit or crash; offered again with Retry. */
  interrupted: number;
  /** Kept under a new name because the folder had a file of that name. */
  renamed: number;
  /** "3 files secured, 1 failed". */
  text: string;
  /** Why the first failure happened, naming the file; null when nothing failed. */
  reason: string | null;
  tone: 'success' | 'warning' | 'error';
}

const files = (count: number): string => `${count} ${count === 1 ? 'file' : 'files'}`;

/** The words people see when a batch of uploads or downloads ends. */
export function summarizeBatch(batchId: string, transfers: readonly Transfer[]): BatchSummary {
  const members = transfers.filter((transfer) => transfer.batchId === batchId);
  const kind = members[0]?.kind ?? 'upload';
  const done = members.filter((t) => t.state === 'done').length;
  const failedTransfers = members.filter((t) => t.state === 'failed');
  const failed = failedTransfers.length;
  const cancelled = members.filter((t) => t.state === 'cancelled').length;
  const interrupted = members.filter((t) => t.state === 'interrupted').length;
  const renamed = members.filter((t) => t.state === 'done' && t.renamedFrom !== null).length;

  const verb = kind === 'upload' ? 'secured' : 'downloaded';
  // The first count names the noun ("3 files secured"); later ones lean on it ("1 failed").
  const parts: string[] = [];
  for (const [count, word] of [
    [done, verb],
    [failed, 'failed'],
    [cancelled, 'cancelled'],
    [interrupted, 'interrupted'],
  ] as const) {
    if (count === 0) continue;
    parts.push(parts.length === 0 ? `${files(count)} ${word}` : `${count} ${word}`);
  }
  const text = parts.length > 0 ? parts.join(', ') : `${files(0)} ${verb}`;

  const first = failedTransfers[0];
  const why = first?.error?.trim() || "The reason wasn't reported.";
  const reason = first
    ? `${first.name}: ${why}${failed > 1 ? ` (and ${failed - 1} more)` : ''}`
    : null;
  const tone =
    failed > 0
      ? done > 0
        ? 'warning'
        : 'error'
      : (cancelled > 0 && done === 0) || interrupted > 0
        ? 'warning'
        : 'success';
  const renamedNote =
    renamed > 0
      ? `${renamed === 1 ? '1 was' : `${renamed} were`} kept under a new name: the folder had a file of that name.`
      : null;
  return {
    batchId,
    kind,
    done,
    failed,
    cancelled,
    interrupted,
    renamed,
    text,
    reason: reason ?? renamedNote,
    tone,
  };
}
