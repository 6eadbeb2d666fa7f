import { useEffect, useRef, useState } from 'react';
import type { DeviceReview, PendingDevice } from '../../bridge/types.ts';
import { deviceLabel } from '../model/device-words.ts';
import { formatDate } from '../model/format-date.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { Spinner } from './spinner.tsx';
import { useDialogAction } from './use-dialog-action.ts';

type Review = DeviceReview | { state: 'error'; message: string } | null;

/**
 * Approving a device that asked to join (APPROVALS.md "Compare a short code on both screens"):
 * the new device and this one each show a code made from the keys involved; only when the person
 * sees the same code on both is anything approved or shared. Reject is as easy as approve.
 */
export function ApproveDeviceDialog({
  device,
  onClose,
}: {
  device: PendingDevice;
  onClose: () => void;
}) {
  const reviewDevice = useAppStore((s) => s.reviewDevice);
  const cancelDeviceReview = useAppStore((s) => s.cancelDeviceReview);
  const approveDevice = useAppStore((s) => s.approveDevice);
  const rejectDevice = useAppStore((s) => s.rejectDevice);
  const [review, setReview] = useState<Review>(null);
  const decided = useRef(false);
  const { busy, error, run } = useDialogAction(onClose);
  const id = device.deviceIdentifier;
  const name = deviceLabel(device.deviceName);

  useEffect(() => {
    let live = true;
    void reviewDevice(id).then((result) => {
      if (live) setReview(result);
    });
    return () => {
      live = false;
      if (!decided.current) cancelDeviceReview(id);
    };
  }, [id, reviewDevice, cancelDeviceReview]);

  const decide = (approve: boolean) =>
    run(async () => {
      decided.current = true;
      await (approve ? approveDevice(id) : rejectDevice(id));
      return null;
    });

  if (review === null) {
    return (
      <Dialog
        title={`Approve “${name}”?`}
        description={
          <p>
            Waiting for <strong>{name}</strong> to show its verification code. Keep Privicore Vault
            open on it.
          </p>
        }
        onClose={onClose}
        onSubmit={() => undefined}
        confirmLabel="Approve"
        hideConfirm
        testId="approve-device-dialog"
        fallbackFocus='[data-testid="pair-button"]'
      >
        <p className="muted" data-testid="approval-waiting">
          <Spinner size={12} /> Making the code…
        </p>
      </Dialog>
    );
  }

  if (review.state !== 'ready') {
    return (
      <Dialog
        title={`Can't approve “${name}” here`}
        description={<p>{review.message}</p>}
        onClose={onClose}
        onSubmit={() => void decide(false)}
        cancelLabel="Close"
        confirmLabel={`Reject ${name}`}
        confirmTone="danger"
        busy={busy}
        error={error}
        testId="approve-device-dialog"
        fallbackFocus='[data-testid="pair-button"]'
      />
    );
  }

  return (
    <Dialog
      title={`Does “${deviceLabel(review.deviceName)}” show this code?`}
      description={
        <p>
          <strong>{deviceLabel(review.deviceName)}</strong> asked to join your vault{' '}
          <time dateTime={review.requestedAt}>{formatDate(review.requestedAt)}</time>. Give it
          access only if its screen shows the same code. A different code means someone is in
          between: reject it.
        </p>
      }
      onClose={() => void decide(false)}
      onSubmit={() => void decide(true)}
      cancelLabel="Reject"
      cancelTone="danger"
      confirmLabel="Codes match — give access"
      busy={busy}
      error={error}
      testId="approve-device-dialog"
      fallbackFocus='[data-testid="pair-button"]'
    >
      <output
        className="verification-code"
        data-testid="approval-code"
        aria-label="Verification code"
      >
        {review.code}
      </output>
    </Dialog>
  );
}
