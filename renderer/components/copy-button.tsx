import { useEffect, useState } from 'react';
import { Icon } from './icons.tsx';

/**
 * Electron may refuse the async clipboard (main denies permission requests), so this falls
 * back to the older copy command, which works inside a click without any permission.
 */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.append(area);
    area.select();
    // execCommand is deprecated but is the one copy path that needs no permission.
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1800);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={label}
      title={state === 'copied' ? 'Copied' : state === 'failed' ? "Couldn't copy" : label}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      data-testid="copy-token"
    >
      <Icon name={state === 'copied' ? 'check' : 'copy'} />
      <span className="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? "Couldn't copy" : ''}
      </span>
    </button>
  );
}
