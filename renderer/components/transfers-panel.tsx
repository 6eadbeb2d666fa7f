import type { Transfer } from '../../bridge/types.ts';
import type { BatchSummary } from '../model/batch-summary.ts';
import { formatProgress } from '../model/format-size.ts';
import { percentDone } from '../model/transfer-list.ts';
import { transfersSelectors, useAppStore } from '../store/index.ts';
import { HeldStatus } from './held-status.tsx';
import { Icon } from './icons.tsx';

function stateWords(transfer: Transfer): string {
  switch (transfer.state) {
    case 'queued':
      return 'Waiting';
    case 'running':
      // Contract §11: a policy holds it until the vote ends (HeldStatus says how far it is).
      if (transfer.hold?.status === 'pending')
        return transfer.hold.policyName
          ? `Held by the policy “${transfer.hold.policyName}”`
          : 'Held by a policy';
      return transfer.kind === 'upload' ? 'Encrypting and uploading' : 'Downloading and checking';
    case 'done':
      return transfer.kind === 'upload' ? 'Secured' : 'Saved';
    case 'failed':
      return transfer.error ? `Failed: ${transfer.error}` : 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

function TransferRow({ transfer }: { transfer: Transfer }) {
  const cancelTransfer = useAppStore((s) => s.cancelTransfer);
  const percent = percentDone(transfer);
  const active = transfer.state === 'queued' || transfer.state === 'running';
  return (
    <li
      className={`transfer-row transfer-${transfer.state}`}
      data-testid="transfer-row"
      data-state={transfer.state}
      data-id={transfer.id}
    >
      <Icon name={transfer.kind === 'upload' ? 'upload' : 'download'} className="transfer-kind" />
      <div className="transfer-main">
        <div className="transfer-line">
          <span className="transfer-name" title={transfer.name}>
            {transfer.name}
          </span>
          <span className="transfer-bytes">{formatProgress(transfer.bytes, transfer.total)}</span>
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-label={transfer.name}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}%, ${stateWords(transfer)}`}
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <div className="transfer-state" data-testid="transfer-state">
          {stateWords(transfer)}
        </div>
        {transfer.hold ? <HeldStatus hold={transfer.hold} compact /> : null}
      </div>
      {active ? (
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => void cancelTransfer(transfer.id)}
        >
          Cancel
        </button>
      ) : null}
    </li>
  );
}

function SummaryRow({ summary }: { summary: BatchSummary }) {
  const dismissSummary = useAppStore((s) => s.dismissSummary);
  return (
    <li
      className={`batch-summary batch-${summary.tone}`}
      data-testid="batch-summary"
      data-tone={summary.tone}
    >
      <Icon name={summary.tone === 'success' ? 'check' : 'alert'} />
      <div className="batch-summary-text">
        <strong>{summary.text}</strong>
        {summary.reason ? <span className="batch-reason">{summary.reason}</span> : null}
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={() => dismissSummary(summary.batchId)}
      >
        <Icon name="x" />
      </button>
    </li>
  );
}

/** Uploads and downloads in flight, per file, with a line per finished batch. */
export function TransfersPanel() {
  const transfers = useAppStore(transfersSelectors.transfers);
  const summaries = useAppStore(transfersSelectors.summaries);
  const activeCount = useAppStore(transfersSelectors.activeCount);
  const overall = useAppStore(transfersSelectors.overallPercent);
  const collapsed = useAppStore(transfersSelectors.collapsed);
  const hasAnything = useAppStore(transfersSelectors.hasAnything);
  const setCollapsed = useAppStore((s) => s.setTransfersCollapsed);
  const clearFinished = useAppStore((s) => s.clearFinished);
  if (!hasAnything) return null;

  const title =
    activeCount > 0
      ? `${activeCount} ${activeCount === 1 ? 'transfer' : 'transfers'} · ${overall}%`
      : 'Transfers';
  return (
    <section
      className={`transfers-panel${collapsed ? ' is-collapsed' : ''}`}
      aria-label="Transfers"
      data-testid="transfers-panel"
    >
      <header className="transfers-header">
        <button
          type="button"
          className="transfers-toggle"
          aria-expanded={!collapsed}
          aria-controls="transfers-body"
          onClick={() => setCollapsed(!collapsed)}
        >
          <Icon name="chevron-down" className="transfers-chevron" />
          <span className="transfers-title">{title}</span>
        </button>
        {activeCount === 0 ? (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={clearFinished}
          >
            Clear
          </button>
        ) : null}
      </header>
      <div id="transfers-body" className="transfers-body" hidden={collapsed}>
        {/* One live region for batch results; per-byte progress would be far too chatty. */}
        <ul className="batch-summaries" role="status" aria-live="polite">
          {summaries.map((summary) => (
            <SummaryRow key={summary.batchId} summary={summary} />
          ))}
        </ul>
        {transfers.length > 0 ? (
          <ul className="transfer-list">
            {transfers.map((transfer) => (
              <TransferRow key={transfer.id} transfer={transfer} />
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}
