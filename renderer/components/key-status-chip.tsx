import type { KeyState } from '../../bridge/types.ts';
import { useAppStore, vaultKeySelectors } from '../store/index.ts';
import { Icon } from './icons.tsx';

const WORDS: Record<KeyState | 'unknown', string> = {
  ready: 'Vault key on this computer',
  'waiting-for-approval': 'Waiting for approval',
  'compare-code': 'Compare the code',
  missing: 'No vault key here',
  unknown: 'Checking the vault key',
};

/** Whether this computer can open the vault's files, in the header; the words never hide. */
export function KeyStatusChip() {
  const state = useAppStore(vaultKeySelectors.state);
  const key = state ?? 'unknown';
  return (
    <span
      className={`key-chip key-chip-${key}`}
      data-testid="key-status"
      data-state={key}
      role="status"
      title={WORDS[key]}
      aria-label={WORDS[key]}
    >
      <Icon name="key" size={14} />
      <span className="key-chip-label">{WORDS[key]}</span>
    </span>
  );
}
