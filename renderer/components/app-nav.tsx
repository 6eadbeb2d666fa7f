import { useId, useRef, type KeyboardEvent } from 'react';
import { navigationSelectors, useAppStore, type Screen } from '../store/index.ts';
import { Icon, type IconName } from './icons.tsx';

const TABS: Record<Screen, { label: string; icon: IconName }> = {
  files: { label: 'Files', icon: 'files' },
  devices: { label: 'Devices', icon: 'devices' },
  storage: { label: 'Storage', icon: 'drive' },
  organisation: { label: 'Organisation', icon: 'users' },
  account: { label: 'Account', icon: 'user' },
};

/** The id of the panel a tab controls; each screen puts it on its main element. */
export const screenPanelId = (screen: Screen) => `screen-${screen}`;
export const screenTabId = (screen: Screen) => `tab-${screen}`;

/**
 * The signed-in screens as tabs: arrow keys move between them (and open them, as tabs do),
 * Home and End jump to the ends. The Devices tab carries the count of approvals waiting, the
 * Organisation tab the invitations waiting.
 */
export function AppNav() {
  const screen = useAppStore(navigationSelectors.screen);
  const pending = useAppStore(navigationSelectors.pendingApprovals);
  const invitations = useAppStore(navigationSelectors.pendingInvitations);
  const tabs = useAppStore(navigationSelectors.tabs);
  const navigate = useAppStore((s) => s.navigate);
  const refs = useRef<Partial<Record<Screen, HTMLButtonElement | null>>>({});
  const badgeId = useId();

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.indexOf(screen);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const target = tabs[next]!;
    navigate(target);
    refs.current[target]?.focus();
  };

  return (
    <nav className="app-nav" aria-label="Sections">
      <div role="tablist" aria-label="Sections" className="app-tabs" onKeyDown={onKeyDown}>
        {tabs.map((name) => {
          const selected = name === screen;
          const count = name === 'devices' ? pending : name === 'organisation' ? invitations : 0;
          const showBadge = count > 0;
          return (
            <button
              key={name}
              ref={(el) => {
                refs.current[name] = el;
              }}
              type="button"
              role="tab"
              id={screenTabId(name)}
              aria-selected={selected}
              aria-controls={screenPanelId(name)}
              aria-label={TABS[name].label}
              aria-describedby={showBadge ? `${badgeId}-${name}` : undefined}
              tabIndex={selected ? 0 : -1}
              className="app-tab"
              data-testid={`${name}-tab`}
              onClick={() => navigate(name)}
            >
              <Icon name={TABS[name].icon} size={15} />
              <span>{TABS[name].label}</span>
              {showBadge ? (
                // The number is for the eye, drawn by CSS so it is no text of the tab's (whose
                // name stays its label); screen readers get the words (described below).
                <span
                  className="nav-badge"
                  data-testid={`${name}-badge`}
                  data-count={count}
                  aria-hidden="true"
                />
              ) : null}
            </button>
          );
        })}
      </div>
      {/* Outside the tabs, so a tab's name stays its label and the count is its description. */}
      {pending > 0 ? (
        <span className="visually-hidden" id={`${badgeId}-devices`}>
          {pending === 1
            ? '1 device waiting for approval'
            : `${pending} devices waiting for approval`}
        </span>
      ) : null}
      {invitations > 0 ? (
        <span className="visually-hidden" id={`${badgeId}-organisation`}>
          {invitations === 1
            ? '1 invitation waiting for your answer'
            : `${invitations} invitations waiting for your answer`}
        </span>
      ) : null}
    </nav>
  );
}
