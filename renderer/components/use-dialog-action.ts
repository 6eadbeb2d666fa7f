import { useState } from 'react';

/**
 * The confirm step every dialog shares: run the store action once, show "busy" meanwhile,
 * keep the dialog open with the failure's words, or close it on success.
 */
export function useDialogAction(onClose: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (
    action: () => Promise<{ message: string } | null | undefined>,
  ): Promise<void> => {
    setBusy(true);
    const failure = await action();
    setBusy(false);
    if (failure) setError(failure.message);
    else onClose();
  };
  return { busy, error, setError, run };
}
