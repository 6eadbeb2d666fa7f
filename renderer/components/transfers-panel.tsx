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
      if (transfer.kind === 'download') return 'Saved';
      return transfer.renamedFrom
        ? `Secured as ${transfer.name}: the folder already had ${transfer.renamedFrom}`
        : 'Secured';
    case 'failed':
      return transfer.error ? `Failed: ${transfer.error}` : 'Failed';
    case 'cancelled':
      return 'Cancelled';
    case 'interrupted':
      return transfer.kind === 'upload'
        ? 'Interrupted when the app signed out or closed. Retry stores it from the original file.'
        : 'Interrupted when the app signed out or closed.';
  }
}

function TransferRow({ transfer }: { transfer: Transfer }) {
  const cancelTransfer = useAppStore((s) => s.cancelTransfer);
  const retryTransfer = useAppStore((s) => s.retryTransfer);
  const showInFolder = useAppStore((s) => s.showInFolder);
  const percent = percentDone(transfer);
  const active = transfer.state === 'queued' || transfer.state === 'running';
  const canRetry =
    transfer.retryable && (transfer.state === 'failed' || transfer.state === 'interrupted');
  const canShow = transfer.kind === 'download' && transfer.state === 'done' && transfer.target;
  // Nothing moved for a file that could not be read: a progress bar would only say "0 bytes of…".
  const showProgress = !(transfer.state === 'failed' && transfer.bytes === 0);
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
          {showProgress ? (
            <span className="transfer-bytes">{formatProgress(transfer.bytes, transfer.total)}</span>
          ) : null}
        </div>
        {showProgress ? (
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
        ) : null}
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
      {canRetry ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => void retryTransfer(transfer.id)}
          aria-label={`Retry ${transfer.name}`}
          data-testid="transfer-retry"
        >
          Retry
        </button>
      ) : null}
      {canShow ? (
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => void showInFolder(transfer.id)}
          aria-label={`Show ${transfer.name} in its folder`}
          data-testid="transfer-show"
        >
          Show in folder
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

/**
 * Uploads and downloads in flight, per file, with a line per finished batch. It sits under the
 * list rather than over it, so it never covers a row's buttons, and folds down to its title bar.
 */
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

  const interrupted = transfers.filter((t) => t.state === 'interrupted').length;
  const title =
    activeCount > 0
      ? `${activeCount} ${activeCount === 1 ? 'transfer' : 'transfers'} · ${overall}%`
      : interrupted > 0
        ? `${interrupted} interrupted ${interrupted === 1 ? 'upload' : 'uploads'}`
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
          data-testid="transfers-toggle"
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
        {/* One live region for batch results (per-byte progress would be far too chatty); the
            list sits inside it, so it stays a list for screen readers. */}
        <div role="status" aria-live="polite" className="batch-summaries-region">
          {summaries.length > 0 ? (
            <ul className="batch-summaries">
              {summaries.map((summary) => (
                <SummaryRow key={summary.batchId} summary={summary} />
              ))}
            </ul>
          ) : null}
        </div>
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
