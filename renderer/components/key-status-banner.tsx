import { useAppStore, vaultKeySelectors } from '../store/index.ts';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';

/**
 * What this computer can do with the vault's files, when that needs saying: no key yet (and
 * the two ways to get it), waiting for another device's approval, or the key just arrived.
 */
export function KeyStatusBanner() {
  const status = useAppStore(vaultKeySelectors.status);
  const justArrived = useAppStore(vaultKeySelectors.justArrived);
  const busy = useAppStore(vaultKeySelectors.requestBusy);
  const requestError = useAppStore(vaultKeySelectors.requestError);
  const requestAccess = useAppStore((s) => s.requestAccess);
  const confirmCode = useAppStore((s) => s.confirmCode);
  const dismiss = useAppStore((s) => s.dismissKeyArrived);
  const openDialog = useAppStore((s) => s.openDialog);
  if (!status) return null;

  if (status.state === 'ready') {
    if (!justArrived) return null;
    return (
      <div
        className="banner banner-success key-banner"
        role="status"
        data-testid="key-banner"
        data-state="ready"
      >
        <Icon name="check" />
        <div className="banner-text">
          <strong>This computer is ready.</strong>{' '}
          <span>{status.notice ?? 'It holds the vault key and can open your files.'}</span>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Dismiss"
          title="Dismiss"
          onClick={dismiss}
        >
          <Icon name="x" />
        </button>
      </div>
    );
  }

  const importKit = (
    <button
      type="button"
      className="button button-small"
      onClick={() => openDialog({ kind: 'import-kit' })}
    >
      Import recovery kit
    </button>
  );

  const code = status.code ? (
    <output className="verification-code" data-testid="key-code" aria-label="Verification code">
      {status.code}
    </output>
  ) : null;

  if (status.state === 'compare-code') {
    return (
      <div
        className="banner banner-info key-banner"
        role="region"
        aria-label="Compare the code"
        data-testid="key-banner"
        data-state={status.state}
      >
        <Icon name="key" />
        <div className="banner-text">
          <strong>Does the other computer show {code}?</strong>{' '}
          <span>
            It shows a code while it approves this one. Say they match only if both screens show the
            same code; then this computer takes the vault key from it and from nobody else.
          </span>
          {requestError ? (
            <p className="banner-error-text" role="alert">
              {requestError.message}
            </p>
          ) : null}
        </div>
        <div className="banner-actions">
          <button
            type="button"
            className="button button-small button-danger"
            onClick={() => void confirmCode(false)}
            disabled={busy}
          >
            It doesn't match
          </button>
          <button
            type="button"
            className="button button-small button-primary"
            onClick={() => void confirmCode(true)}
            disabled={busy}
            aria-busy={busy || undefined}
          >
            {busy ? <Spinner size={12} /> : null}
            The codes match
          </button>
        </div>
      </div>
    );
  }

  if (status.state === 'waiting-for-approval') {
    return (
      <div
        className="banner banner-info key-banner"
        role="status"
        data-testid="key-banner"
        data-state={status.state}
      >
        <Spinner size={16} />
        <div className="banner-text">
          <strong>Waiting for another device to approve this computer.</strong>{' '}
          <span>
            {status.code ? (
              <>Its screen shows the same code as this one: {code}. </>
            ) : (
              <>On a computer that opens your files, go to Devices and approve this one. </>
            )}
            {status.notice ?? 'The vault key arrives here on its own.'}
          </span>
        </div>
        <div className="banner-actions">{importKit}</div>
      </div>
    );
  }

  return (
    <div
      className="banner banner-warning key-banner"
      role="region"
      aria-label="Vault key"
      data-testid="key-banner"
      data-state={status.state}
    >
      <Icon name="lock" />
      <div className="banner-text">
        <strong>This computer can't open your files yet.</strong>{' '}
        <span>
          {status.notice ??
            'Your files are encrypted with a key kept on your own devices. Ask a device that has it to let this computer in, or import your recovery kit.'}
        </span>
        {requestError ? (
          <p className="banner-error-text" role="alert">
            {requestError.message}
          </p>
        ) : null}
      </div>
      <div className="banner-actions">
        <button
          type="button"
          className="button button-small button-primary"
          onClick={() => void requestAccess()}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? <Spinner size={12} /> : null}
          Ask another device to approve
        </button>
        {importKit}
      </div>
    </div>
  );
}
