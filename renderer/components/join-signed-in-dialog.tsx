import { useState } from 'react';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';

/** Joining another vault by QR code happens signed out: this says so and signs out first. */
export function JoinSignedInDialog({ onClose }: { onClose: () => void }) {
  const signOut = useAppStore((s) => s.signOut);
  const setOnboardingView = useAppStore((s) => s.setOnboardingView);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setOnboardingView('join');
    await signOut();
    setBusy(false);
    onClose();
  };

  return (
    <Dialog
      title="Join with a QR code"
      description={
        <p>
          This computer is signed in to this vault. To join a vault as a new device with another
          device's QR code, it signs out first; your files stay in the vault.
        </p>
      }
      confirmLabel="Sign out and join"
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      testId="join-signed-in-dialog"
      fallbackFocus='[data-testid="pair-button"]'
    />
  );
}
