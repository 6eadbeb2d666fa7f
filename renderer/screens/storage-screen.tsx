import { useEffect, useState } from 'react';
import type { StorageDeviceInfo } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { Spinner } from '../components/spinner.tsx';
import { deviceLabel } from '../model/device-words.ts';
import { formatSize } from '../model/format-size.ts';
import { describeLastSeen } from '../model/relative-time.ts';
import { describeSyncResult, storageSelectors, useAppStore } from '../store/index.ts';

/** Online state changes without an event (a device drops off): look again this often. */
const REFRESH_EVERY_MS = 4000;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function HealthSummary() {
  const health = useAppStore(storageSelectors.health);
  if (!health) return null;
  return (
    <section
      className="card health-card"
      aria-labelledby="health-title"
      data-testid="storage-health"
    >
      <h2 id="health-title" className="card-title">
        <Icon
          name={health.warning ? 'alert' : 'check'}
          size={16}
          className={health.warning ? 'tone-warning' : 'tone-success'}
        />
        {health.warning ? 'Your files need more copies' : 'Your files are well kept'}
      </h2>
      <dl className="health-stats">
        <div>
          <dt>Files</dt>
          <dd data-testid="health-files">{health.files}</dd>
        </div>
        <div>
          <dt>Online devices</dt>
          <dd data-testid="health-online">{health.onlineDevices}</dd>
        </div>
        <div>
          <dt>Full copies online</dt>
          <dd data-testid="health-copies">{health.fullCopies}</dd>
        </div>
      </dl>
      {health.warning ? (
        <div className="banner banner-warning" role="alert" data-testid="storage-warning">
          <Icon name="alert" />
          <span className="banner-text">{health.warning}</span>
        </div>
      ) : null}
    </section>
  );
}

function StorageRow({ device, now }: { device: StorageDeviceInfo; now: number }) {
  const busy = useAppStore(storageSelectors.busy(device.deviceIdentifier));
  const result = useAppStore(storageSelectors.syncResult(device.deviceIdentifier));
  const syncStorage = useAppStore((s) => s.syncStorage);
  const openDialog = useAppStore((s) => s.openDialog);
  const name = deviceLabel(device.name);
  return (
    <tr
      className="storage-row"
      data-testid="storage-device-row"
      data-device-id={device.deviceIdentifier}
      data-online={device.online ? 'true' : 'false'}
    >
      <td>
        <span className="device-cell-name">
          <Icon name={device.local ? 'folder' : 'drive'} className="device-icon" />
          <span className="device-name-text">{name}</span>
        </span>
        {device.dir ? (
          <code className="device-dir" title={device.dir}>
            {device.dir}
          </code>
        ) : null}
        {device.problem ? (
          <span className="device-problem" role="note" data-testid="storage-problem">
            Not running: {device.problem}
          </span>
        ) : null}
        {result ? (
          <span className="sync-result" data-testid="sync-result">
            {describeSyncResult(result, name)}
          </span>
        ) : null}
      </td>
      <td>
        <span className="device-state" data-testid="storage-online">
          <span
            className={`status-dot ${device.online ? 'status-ready' : 'status-unreachable'}`}
            aria-hidden="true"
          />
          {device.online ? 'Online' : 'Offline'}
        </span>
      </td>
      <td className="muted">{device.online ? 'Now' : describeLastSeen(device.lastSeenAt, now)}</td>
      <td className="num" data-testid="storage-tokens">
        {device.storedTokens}
      </td>
      <td className="num" data-testid="storage-bytes">
        {formatSize(device.storedBytes)}
      </td>
      <td className="cell-actions">
        <div className="row-buttons">
          <button
            type="button"
            className="button button-small"
            onClick={() => void syncStorage(device.deviceIdentifier)}
            disabled={busy !== null || !device.online}
            aria-busy={busy === 'sync' || undefined}
            aria-description={`Copy to ${name} every file it lacks`}
            title={device.online ? undefined : 'Offline devices cannot be synchronized'}
          >
            {busy === 'sync' ? <Spinner size={12} /> : <Icon name="refresh" size={13} />}
            Synchronize
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => openDialog({ kind: 'remove-storage', device })}
            aria-description={`Remove ${name}`}
          >
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Where the vault's ciphertext is kept, how safe it is, and adding or syncing a device. */
export function StorageScreen() {
  const devices = useAppStore(storageSelectors.devices);
  const status = useAppStore(storageSelectors.status);
  const error = useAppStore(storageSelectors.error);
  const adding = useAppStore(storageSelectors.adding);
  const canAddLocal = useAppStore(storageSelectors.canAddLocal);
  const canAddRemote = useAppStore(storageSelectors.canAddRemote);
  const loadStorage = useAppStore((s) => s.loadStorage);
  const loadReach = useAppStore((s) => s.loadReach);
  const addLocalStorage = useAppStore((s) => s.addLocalStorage);
  const openDialog = useAppStore((s) => s.openDialog);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    void loadReach();
  }, [loadReach]);

  useEffect(() => {
    void loadStorage();
    const timer = setInterval(() => {
      setNow(Date.now());
      void loadStorage();
    }, REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [loadStorage]);

  const online = devices.filter((d) => d.online).length;

  return (
    <PageLayout
      screen="storage"
      title="Storage"
      testId="storage-screen"
      actions={
        <>
          <button
            type="button"
            className="button"
            onClick={() => openDialog({ kind: 'add-remote-storage' })}
            disabled={!canAddRemote}
            title={
              canAddRemote
                ? undefined
                : 'Turn on “Let my other computers connect” on the Account screen first'
            }
            data-testid="add-remote-storage-button"
          >
            <Icon name="server" size={15} />
            Add another computer
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void addLocalStorage()}
            disabled={adding || !canAddLocal}
            aria-busy={adding || undefined}
            title={
              canAddLocal
                ? undefined
                : 'Folders on this computer work only with the built-in engine'
            }
            data-testid="add-storage-button"
          >
            {adding ? <Spinner size={14} /> : <Icon name="folder-plus" size={15} />}
            Add a local folder
          </button>
        </>
      }
    >
      <p className="muted page-intro">
        Storage devices keep encrypted copies of your files; each adds its own encryption at rest.
        Keep at least three online so a failed disk loses nothing.
      </p>
      {status === 'error' && error ? (
        <ErrorBanner
          title="Couldn't load the storage devices."
          message={error.message}
          onRetry={() => void loadStorage()}
          testId="storage-error"
        />
      ) : null}
      <HealthSummary />
      <section className="card" aria-labelledby="storage-title">
        <h2 id="storage-title" className="card-title">
          Storage devices
          {devices.length > 0 ? (
            <span className="count-pill">
              <span aria-hidden="true">
                {online}/{devices.length} online
              </span>
              <span className="visually-hidden">
                {plural(online, 'device', 'devices')} online of {devices.length}
              </span>
            </span>
          ) : null}
        </h2>
        {status === 'loading' && devices.length === 0 ? (
          <p className="muted card-intro">
            <Spinner size={12} /> Loading storage devices…
          </p>
        ) : null}
        {status === 'ready' && devices.length === 0 ? (
          <p className="muted card-intro" data-testid="storage-empty">
            No storage devices. Add a folder on this computer to keep encrypted copies in.
          </p>
        ) : null}
        {devices.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table" aria-labelledby="storage-title">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Last seen</th>
                  <th scope="col" className="num">
                    Files
                  </th>
                  <th scope="col" className="num">
                    Stored
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {devices.map((device) => (
                  <StorageRow key={device.deviceIdentifier} device={device} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </PageLayout>
  );
}
