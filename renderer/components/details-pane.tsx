import { useEffect, useRef, type ReactNode } from 'react';
import { LEVEL_KEY } from '../model/classification.ts';
import { shownName } from '../model/display-name.ts';
import { formatDate } from '../model/format-date.ts';
import { formatSize } from '../model/format-size.ts';
import { filesSelectors, useAppStore } from '../store/index.ts';
import { CopyButton } from './copy-button.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { ClassificationChip } from './file-row.tsx';
import { Icon } from './icons.tsx';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Everything known about the selected file: its token, sizes, dates, classification and replicas. */
export function DetailsPane() {
  const token = useAppStore(filesSelectors.selectedToken);
  const listed = useAppStore(filesSelectors.selectedFile);
  const details = useAppStore(filesSelectors.details);
  const status = useAppStore(filesSelectors.detailsStatus);
  const error = useAppStore(filesSelectors.detailsError);
  const showDetails = useAppStore((s) => s.showDetails);
  const loadDetails = useAppStore((s) => s.loadDetails);
  const heading = useRef<HTMLHeadingElement>(null);

  // The list row is shown at once; the details call fills in the rest.
  const file = details && details.token === token ? details : null;
  const base = file ?? listed;

  useEffect(() => {
    if (document.activeElement === document.body) heading.current?.focus();
  }, [token]);

  const name = base ? shownName(base) : null;
  const extra = Object.entries(base?.classification ?? {}).filter(([key]) => key !== LEVEL_KEY);

  return (
    // A region, not an <aside>: it sits inside the Files screen's <main>, where a
    // complementary landmark does not belong.
    <section className="details-pane" aria-label="File details" data-testid="details-pane">
      <div className="details-header">
        <Icon name="file" size={20} />
        <h2 className="details-title" ref={heading} tabIndex={-1} title={name ?? undefined}>
          {name ?? 'File details'}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close details"
          title="Close details"
          onClick={() => showDetails(null)}
        >
          <Icon name="x" />
        </button>
      </div>

      {!token ? (
        <p className="details-empty muted" data-testid="details-empty">
          Select a file to see its token, sizes, classification and where it is stored.
        </p>
      ) : null}

      {token && status === 'error' && error ? (
        <ErrorBanner
          message={error.message}
          onRetry={token ? () => void loadDetails(token) : undefined}
          testId="details-error"
        />
      ) : null}

      {base ? (
        <dl className="details-list">
          <Row label="Data token">
            <span className="token-line">
              <code className="token" data-testid="details-token" title={base.token}>
                {base.token}
              </code>
              <CopyButton text={base.token} label="Copy token" />
            </span>
          </Row>
          <Row label="Size">{formatSize(base.size)}</Row>
          {/* Main reports the encrypted size only when the engine tells it; until then it is left out. */}
          {file && file.storedBytes !== null ? (
            <Row label="Stored size">{formatSize(file.storedBytes)} encrypted</Row>
          ) : null}
          <Row label="Folder">{base.context}</Row>
          <Row label="Added">{formatDate(base.createdAt)}</Row>
          <Row label="Changed">{formatDate(base.updatedAt)}</Row>
          <Row label="Classification">
            <ClassificationChip fields={base.classification} />
            {extra.length > 0 ? (
              <ul className="classification-extra">
                {extra.map(([key, value]) => (
                  <li key={key}>
                    <span className="muted">{key}</span> {value}
                  </li>
                ))}
              </ul>
            ) : null}
          </Row>
        </dl>
      ) : null}

      {token ? (
        <section className="details-section" aria-labelledby="details-devices">
          <h3 id="details-devices" className="details-subtitle">
            Storage devices
          </h3>
          {file ? (
            file.storageDevices.length === 0 ? (
              <p className="muted">No storage device reports holding this file.</p>
            ) : (
              <ul className="device-list" data-testid="device-list">
                {file.storageDevices.map((device) => (
                  <li
                    key={device.deviceIdentifier}
                    className="device"
                    data-testid="storage-device"
                    data-online={device.online}
                  >
                    <Icon name="drive" />
                    <span className="device-name" title={device.deviceIdentifier}>
                      {device.name}
                    </span>
                    <span className={`device-state ${device.online ? 'is-online' : 'is-offline'}`}>
                      <span
                        className={`status-dot ${device.online ? 'status-ready' : 'status-stopped'}`}
                        aria-hidden="true"
                      />
                      {device.online ? 'Online' : 'Offline'}
                    </span>
                  </li>
                ))}
              </ul>
            )
          ) : status === 'loading' ? (
            <div className="device-skeletons" aria-busy="true">
              <span className="visually-hidden">Loading storage devices…</span>
              <span className="skeleton skeleton-line" />
              <span className="skeleton skeleton-line" />
              <span className="skeleton skeleton-line" />
            </div>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}
