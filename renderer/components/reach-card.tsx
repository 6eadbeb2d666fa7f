import { useEffect, useId } from 'react';
import { reachSelectors, useAppStore } from '../store/index.ts';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';

/**
 * "Let my other computers connect": one switch that moves the built-in engine from this computer
 * alone to the local network (TLS with its own certificate, on a fixed port) and back, and plain
 * words on who can reach the vault either way.
 */
export function ReachCard() {
  const reach = useAppStore(reachSelectors.status);
  const busy = useAppStore(reachSelectors.busy);
  const error = useAppStore(reachSelectors.error);
  const loadReach = useAppStore((s) => s.loadReach);
  const setReachOpen = useAppStore((s) => s.setReachOpen);
  const labelId = useId();
  const explainId = useId();

  useEffect(() => {
    void loadReach();
  }, [loadReach]);

  return (
    <section className="card" aria-labelledby="reach-title" data-testid="reach-card">
      <h2 id="reach-title" className="card-title">
        <Icon name="computer" size={16} /> Other computers
      </h2>
      {error ? (
        <ErrorBanner title="Couldn't change who can connect." message={error.message} />
      ) : null}
      {!reach ? (
        <p className="muted card-intro">
          <Spinner size={12} /> Loading…
        </p>
      ) : !reach.available ? (
        <p className="muted card-intro" data-testid="reach-unavailable">
          This app uses an engine on another computer. Who can reach your vault is decided where
          that engine runs.
        </p>
      ) : (
        <>
          <div className="switch-row">
            <span id={labelId} className="switch-label">
              Let my other computers connect
            </span>
            <button
              type="button"
              role="switch"
              className="switch"
              aria-checked={reach.open}
              aria-labelledby={labelId}
              aria-describedby={explainId}
              aria-busy={busy || undefined}
              disabled={busy}
              onClick={() => void setReachOpen(!reach.open)}
              data-testid="reach-switch"
            >
              <span className="switch-thumb" aria-hidden="true" />
            </button>
            {busy ? <Spinner size={14} label="Restarting the engine" /> : null}
          </div>
          {reach.open ? (
            <div id={explainId} className="reach-open" data-testid="reach-open">
              <p className="banner banner-warning">
                <Icon name="alert" />
                <span className="banner-text">
                  Any computer on your local network can now reach this vault. It still needs your
                  password, or your approval here for a new device, before it sees anything. Turn
                  this off when you no longer need it.
                </span>
              </p>
              <p className="card-intro">Other computers connect to this computer at:</p>
              <ul className="reach-urls" data-testid="reach-urls">
                {reach.urls.length > 0 ? (
                  reach.urls.map((url) => (
                    <li key={url}>
                      <code className="token">{url}</code>
                    </li>
                  ))
                ) : (
                  <li className="muted">
                    No network address right now (port {reach.port}); connect to a network.
                  </li>
                )}
              </ul>
              {reach.tlsPin ? (
                <>
                  <p className="card-intro">
                    The connection is encrypted. Computers that pair with the QR code check this
                    certificate fingerprint by themselves; for anything else, compare it:
                  </p>
                  <div className="payload-line">
                    <code className="payload" data-testid="reach-pin">
                      {reach.tlsPin}
                    </code>
                    <CopyButton text={reach.tlsPin} label="Copy the certificate fingerprint" />
                  </div>
                </>
              ) : null}
            </div>
          ) : (
            <p id={explainId} className="muted card-intro" data-testid="reach-closed">
              Only this computer can reach your vault. Turn this on to pair another computer with a
              QR code, or to keep copies on a storage device elsewhere in your home. Your vault then
              answers on port {reach.port} of this computer, encrypted.
            </p>
          )}
        </>
      )}
    </section>
  );
}
