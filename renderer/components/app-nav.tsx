import { useId, useRef, type KeyboardEvent } from 'react';
import { navigationSelectors, useAppStore, type Screen } from '../store/index.ts';
import { Icon, type IconName } from './icons.tsx';

const TABS: Record<Screen, { label: string; icon: IconName }> = {
  files: { label: 'Files', icon: 'files' },
  approvals: { label: 'Approvals', icon: 'check' },
  devices: { label: 'Devices', icon: 'devices' },
  storage: { label: 'Storage', icon: 'drive' },
  organisation: { label: 'Organisation', icon: 'users' },
  policies: { label: 'Policies', icon: 'lock' },
  voting: { label: 'Voting', icon: 'key' },
  apps: { label: 'Connected apps', icon: 'link' },
  account: { label: 'Account', icon: 'user' },
};

/** The id of the panel a tab controls; each screen puts it on its main element. */
export const screenPanelId = (screen: Screen) => `screen-${screen}`;
export const screenTabId = (screen: Screen) => `tab-${screen}`;

/**
 * The signed-in screens as tabs: arrow keys move between them (and open them, as tabs do),
 * Home and End jump to the ends. The Devices tab carries the count of approvals waiting, the
 * Approvals tab the ballots, the Organisation tab the invitations. A count is drawn by CSS, so a
 * tab's name stays its label, and screen readers hear it as the tab's description.
 */
export function AppNav() {
  const screen = useAppStore(navigationSelectors.screen);
  const pending = useAppStore(navigationSelectors.pendingApprovals);
  const ballots = useAppStore(navigationSelectors.openBallots);
  const invitations = useAppStore(navigationSelectors.pendingInvitations);
  const tabs = useAppStore(navigationSelectors.tabs);
  const navigate = useAppStore((s) => s.navigate);
  const refs = useRef<Partial<Record<Screen, HTMLButtonElement | null>>>({});
  const badgeId = useId();
  const counts: Partial<Record<Screen, number>> = {
    devices: pending,
    approvals: ballots,
    organisation: invitations,
  };

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
          const count = counts[name] ?? 0;
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
              title={TABS[name].label}
              aria-describedby={showBadge ? `${badgeId}-${name}` : undefined}
              tabIndex={selected ? 0 : -1}
              className="app-tab"
              data-testid={`${name}-tab`}
              onClick={() => navigate(name)}
            >
              <Icon name={TABS[name].icon} size={15} />
              <span className="app-tab-label">{TABS[name].label}</span>
              {showBadge ? (
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
      {tabs.map((name) =>
        (counts[name] ?? 0) > 0 ? (
          <span key={name} className="visually-hidden" id={`${badgeId}-${name}`}>
            {badgeWords(name, counts[name]!)}
          </span>
        ) : null,
      )}
    </nav>
  );
}

function badgeWords(screen: Screen, count: number): string {
  const [one, many] =
    screen === 'devices'
      ? ['device waiting for approval', 'devices waiting for approval']
      : screen === 'approvals'
        ? ['vote waiting for you', 'votes waiting for you']
        : ['invitation waiting for your answer', 'invitations waiting for your answer'];
  return `${count} ${count === 1 ? one : many}`;
}
