import { useEffect, useState } from 'react';
import type { DeviceInfo, PendingDevice } from '../../bridge/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HeldStatus } from '../components/held-status.tsx';
import { Icon } from '../components/icons.tsx';
import { PageLayout } from '../components/page-layout.tsx';
import { PairingQrPanel } from '../components/pairing-qr-panel.tsx';
import { Spinner } from '../components/spinner.tsx';
import {
  deviceLabel,
  deviceRoleLabel,
  KEY_SHARE_WORDS,
  keyShareState,
} from '../model/device-words.ts';
import { formatDate } from '../model/format-date.ts';
import { devicesSelectors, holdsSelectors, useAppStore } from '../store/index.ts';

function PendingRow({ device }: { device: PendingDevice }) {
  const busy = useAppStore(devicesSelectors.busy(device.deviceIdentifier));
  const openDialog = useAppStore((s) => s.openDialog);
  const rejectDevice = useAppStore((s) => s.rejectDevice);
  // A device policy may hold the approval for a vote (contract §11).
  const held = useAppStore(holdsSelectors.held('device-approval', device.deviceIdentifier));
  const name = deviceLabel(device.deviceName);
  return (
    <li
      className="pending-device"
      data-testid="pending-device"
      data-device-id={device.deviceIdentifier}
    >
      <Icon name="computer" size={20} className="pending-icon" />
      <div className="pending-text">
        <span className="pending-name">{name}</span>
        <span className="muted">
          Asked to join <time dateTime={device.requestedAt}>{formatDate(device.requestedAt)}</time>
        </span>
        {held && busy === 'approve' ? <HeldStatus hold={held.hold} /> : null}
      </div>
      <div className="pending-actions" role="group" aria-label={`Answer ${name}`}>
        <button
          type="button"
          className="button"
          onClick={() => void rejectDevice(device.deviceIdentifier)}
          disabled={busy !== null}
          aria-busy={busy === 'reject' || undefined}
          aria-description={`Turn ${name} away`}
        >
          {busy === 'reject' ? <Spinner size={12} /> : null}
          Reject
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => openDialog({ kind: 'approve-device', device })}
          disabled={busy !== null}
          aria-busy={busy === 'approve' || undefined}
          aria-description={`Compare ${name}'s code with this screen's, then let it in`}
        >
          {busy === 'approve' ? <Spinner size={12} /> : <Icon name="check" size={14} />}
          Approve…
        </button>
      </div>
    </li>
  );
}

function DeviceRow({ device }: { device: DeviceInfo }) {
  const openDialog = useAppStore((s) => s.openDialog);
  const name = deviceLabel(device.name);
  const key = keyShareState(device);
  return (
    <tr className="device-row" data-testid="device-row" data-device-id={device.deviceIdentifier}>
      <td>
        <span className="device-cell-name">
          <Icon name={device.role === 'storage' ? 'drive' : 'computer'} className="device-icon" />
          <span className="device-name-text">{name}</span>
          {device.isThisDevice ? (
            <span className="chip chip-this" data-testid="this-computer">
              This computer
            </span>
          ) : null}
          {device.status === 'pending' ? <span className="chip">Waiting for approval</span> : null}
          {device.foreignKey ? (
            <span
              className="chip chip-warning"
              data-testid="foreign-key"
              title="Its record holds a vault key this computer did not give. Remove the device if you don't know why."
            >
              Unknown key in its record
            </span>
          ) : null}
        </span>
      </td>
      <td className="muted">{deviceRoleLabel(device.role)}</td>
      <td className="muted">
        {device.approvedAt ? formatDate(device.approvedAt, { withTime: false }) : '—'}
      </td>
      <td>
        <span className={`key-state key-state-${key}`} data-key={key}>
          <Icon
            name={key === 'shared' ? 'key' : key === 'not-needed' ? 'check' : 'lock'}
            size={13}
          />
          {KEY_SHARE_WORDS[key]}
        </span>
      </td>
      <td className="cell-actions">
        <div className="row-buttons">
          <button
            type="button"
            className="button button-small"
            onClick={() => openDialog({ kind: 'rename-device', device })}
            aria-description={`Rename ${name}`}
          >
            Rename
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => openDialog({ kind: 'remove-device', device })}
            aria-description={`Remove ${name}`}
          >
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}

/** The profile's devices: requests waiting for an answer, then every device of the vault. */
export function DevicesScreen() {
  const pending = useAppStore(devicesSelectors.pending);
  const approved = useAppStore(devicesSelectors.approved);
  const status = useAppStore(devicesSelectors.status);
  const error = useAppStore(devicesSelectors.error);
  const loadDevices = useAppStore((s) => s.loadDevices);
  const createPairingQr = useAppStore((s) => s.createPairingQr);
  const closePairingQr = useAppStore((s) => s.closePairingQr);
  const openDialog = useAppStore((s) => s.openDialog);
  const [pairing, setPairing] = useState(false);

  useEffect(() => {
    void loadDevices();
  }, [loadDevices]);

  // The code is single-use and short-lived: none lingers once the panel or the screen closes.
  useEffect(() => () => closePairingQr(), [closePairingQr]);

  const startPairing = () => {
    setPairing(true);
    void createPairingQr();
  };
  const stopPairing = () => {
    setPairing(false);
    closePairingQr();
  };

  return (
    <PageLayout
      screen="devices"
      title="Devices"
      testId="devices-screen"
      actions={
        <>
          <button
            type="button"
            className="button"
            onClick={() => openDialog({ kind: 'join-signed-in' })}
            data-testid="join-button"
          >
            <Icon name="camera" size={15} />
            Join with a QR code
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={pairing ? stopPairing : startPairing}
            aria-expanded={pairing}
            data-testid="pair-button"
          >
            <Icon name="qr" size={15} />
            Pair a device
          </button>
        </>
      }
    >
      {pairing ? <PairingQrPanel onClose={stopPairing} /> : null}

      {pending.length > 0 ? (
        <section className="card pending-card" aria-labelledby="pending-title">
          <h2 id="pending-title" className="card-title">
            <Icon name="alert" size={16} />
            Waiting for your approval
            <span className="count-pill">{pending.length}</span>
          </h2>
          <p className="muted card-intro">
            Approve only devices you recognise: an approved device can open every file in the vault.
          </p>
          <ul className="pending-list" aria-live="polite">
            {pending.map((device) => (
              <PendingRow key={device.deviceIdentifier} device={device} />
            ))}
          </ul>
        </section>
      ) : (
        <p className="muted quiet-note" aria-live="polite" data-testid="no-pending">
          No device is waiting for approval.
        </p>
      )}

      <section className="card" aria-labelledby="devices-title">
        <h2 id="devices-title" className="card-title">
          Your devices
        </h2>
        {status === 'error' && error ? (
          <ErrorBanner
            title="Couldn't load your devices."
            message={error.message}
            onRetry={() => void loadDevices()}
          />
        ) : null}
        {status === 'loading' && approved.length === 0 ? (
          <p className="muted card-intro">
            <Spinner size={12} /> Loading devices…
          </p>
        ) : null}
        {status === 'ready' && approved.length === 0 ? (
          <p className="muted card-intro">
            Only this computer uses the vault so far. Pair a device to open your files on another
            one.
          </p>
        ) : null}
        {approved.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table" aria-labelledby="devices-title">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Approved</th>
                  <th scope="col">Vault key</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {approved.map((device) => (
                  <DeviceRow key={device.deviceIdentifier} device={device} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </PageLayout>
  );
}
