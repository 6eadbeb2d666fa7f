import { sessionSelectors, useAppStore } from '../store/index.ts';
import { AppNav } from './app-nav.tsx';
import { BrandMark } from './brand-mark.tsx';
import { EngineStatusDot } from './engine-status-dot.tsx';
import { Icon } from './icons.tsx';
import { KeyStatusChip } from './key-status-chip.tsx';

export function AppHeader() {
  const username = useAppStore(sessionSelectors.username);
  const requestSignOut = useAppStore((s) => s.requestSignOut);
  // A computer that joined by pairing never learns the username.
  const shown = username ?? 'Paired device';
  return (
    <header className="app-header" data-testid="app-header">
      <div className="app-title">
        <BrandMark size={22} />
        <span className="app-name">Privicore Vault</span>
      </div>
      <AppNav />
      <div className="header-end">
        <KeyStatusChip />
        <EngineStatusDot />
        <span className="header-divider" aria-hidden="true" />
        <span className="current-user" title={`Signed in as ${shown}`}>
          <span className="avatar" aria-hidden="true">
            {shown.slice(0, 1).toUpperCase()}
          </span>
          <span data-testid="current-user">{username ?? ''}</span>
        </span>
        <button
          type="button"
          className="button button-small"
          onClick={requestSignOut}
          data-testid="sign-out-button"
        >
          <Icon name="sign-out" size={14} />
          Sign out
        </button>
      </div>
    </header>
  );
}
