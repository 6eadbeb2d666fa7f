import { useEffect, useState } from 'react';
import { describeCountdown, formatCountdown, secondsUntil } from '../model/countdown.ts';
import { pairingSelectors, useAppStore } from '../store/index.ts';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';

/**
 * This computer's single-use pairing code as a QR image, with a live countdown; when it runs
 * out a fresh code takes its place, so the panel can stay open while the other device gets
 * ready.
 */
export function PairingQrPanel({ onClose }: { onClose: () => void }) {
  const qr = useAppStore(pairingSelectors.qr);
  const status = useAppStore(pairingSelectors.qrStatus);
  const error = useAppStore(pairingSelectors.qrError);
  const createPairingQr = useAppStore((s) => s.createPairingQr);
  const navigate = useAppStore((s) => s.navigate);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const left = qr ? secondsUntil(qr.expiresAt, now) : 0;
  useEffect(() => {
    if (qr && left === 0 && status === 'ready') void createPairingQr();
  }, [qr, left, status, createPairingQr]);

  return (
    <section
      className="card pairing-panel"
      aria-labelledby="pairing-title"
      data-testid="pairing-panel"
    >
      <div className="card-header">
        <h2 id="pairing-title" className="card-title">
          <Icon name="qr" size={16} /> Pair a device
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close pairing"
          title="Close"
          onClick={onClose}
        >
          <Icon name="x" />
        </button>
      </div>
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't make a pairing code."
          message={error.message}
          onRetry={() => void createPairingQr()}
        />
      ) : null}
      <div className="pairing-body">
        <div className="qr-frame">
          {qr ? (
            <img
              src={qr.qrImage}
              alt="QR code for pairing a new device with this vault"
              width={240}
              height={240}
              data-testid="pairing-qr"
            />
          ) : (
            <span className="qr-placeholder">
              <Spinner size={20} label="Making a pairing code" />
            </span>
          )}
        </div>
        <div className="pairing-text">
          <ol className="steps">
            <li>On the new computer, open Privicore Vault and choose Join with a QR code.</li>
            <li>
              Scan this code with its camera, or save a picture of it and use From an image file.
            </li>
            <li>
              The new computer joins and shows a code. This screen asks you to compare it; the vault
              key goes to the new computer only when you say the codes match.
            </li>
          </ol>
          {qr ? (
            <p className="countdown" data-testid="pairing-countdown" aria-live="off">
              <span aria-hidden="true">Expires in {formatCountdown(left)}</span>
              <span className="visually-hidden">{describeCountdown(left)}</span>
              {status === 'loading' ? <Spinner size={12} label="Making a new code" /> : null}
            </p>
          ) : null}
          {qr ? (
            <div className="payload-line">
              {/* aria-label on <code> is not read out; a hidden word before it is. */}
              <span className="visually-hidden">Pairing code text: </span>
              <code className="payload" data-testid="pairing-payload">
                {qr.qrPayload}
              </code>
              <CopyButton text={qr.qrPayload} label="Copy pairing code" />
            </div>
          ) : null}
          {qr?.localOnly ? (
            <p className="banner banner-info pairing-note" data-testid="pairing-local-only">
              <Icon name="info" />
              <span className="banner-text">
                This vault answers only on this computer for now, so the code works for another
                installation here. To pair a second computer, turn on “Let my other computers
                connect” on the Account screen first.
              </span>
              <button
                type="button"
                className="button button-small"
                onClick={() => navigate('account')}
                data-testid="pairing-open-reach"
              >
                Open Account
              </button>
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
