import { useId, useRef, type KeyboardEvent } from 'react';
import { navigationSelectors, SCREENS, useAppStore, type Screen } from '../store/index.ts';
import { Icon, type IconName } from './icons.tsx';

const TABS: Record<Screen, { label: string; icon: IconName }> = {
  files: { label: 'Files', icon: 'files' },
  approvals: { label: 'Approvals', icon: 'check' },
  devices: { label: 'Devices', icon: 'devices' },
  storage: { label: 'Storage', icon: 'drive' },
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
 * Home and End jump to the ends. The Devices tab carries the count of approvals waiting.
 */
export function AppNav() {
  const screen = useAppStore(navigationSelectors.screen);
  const pending = useAppStore(navigationSelectors.pendingApprovals);
  const ballots = useAppStore(navigationSelectors.openBallots);
  const navigate = useAppStore((s) => s.navigate);
  const refs = useRef<Partial<Record<Screen, HTMLButtonElement | null>>>({});
  const badgeId = useId();

  const onKeyDown = (event: KeyboardEvent) => {
    const index = SCREENS.indexOf(screen);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % SCREENS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + SCREENS.length) % SCREENS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = SCREENS.length - 1;
    if (next === null) return;
    event.preventDefault();
    const target = SCREENS[next]!;
    navigate(target);
    refs.current[target]?.focus();
  };

  return (
    <nav className="app-nav" aria-label="Sections">
      <div role="tablist" aria-label="Sections" className="app-tabs" onKeyDown={onKeyDown}>
        {SCREENS.map((name) => {
          const selected = name === screen;
          // Devices counts devices asking to join; Approvals the ballots waiting for this computer.
          const count = name === 'devices' ? pending : name === 'approvals' ? ballots : 0;
          const showBadge = count > 0;
          const badgeWords =
            name === 'devices'
              ? count === 1
                ? ' device waiting for approval'
                : ' devices waiting for approval'
              : count === 1
                ? ' vote waiting for you'
                : ' votes waiting for you';
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
                <span className="nav-badge" data-testid={`${name}-badge`} id={`${badgeId}-${name}`}>
                  {count}
                  <span className="visually-hidden">{badgeWords}</span>
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
    </nav>
  );
}
