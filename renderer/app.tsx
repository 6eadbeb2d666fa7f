import { AppHeader } from './components/app-header.tsx';
import { BrandMark } from './components/brand-mark.tsx';
import { ErrorBanner } from './components/error-banner.tsx';
import { Spinner } from './components/spinner.tsx';
import { AccountScreen } from './screens/account-screen.tsx';
import { ApprovalsScreen } from './screens/approvals-screen.tsx';
import { AppsScreen } from './screens/apps-screen.tsx';
import { DevicesScreen } from './screens/devices-screen.tsx';
import { FilesScreen } from './screens/files-screen.tsx';
import { OnboardingScreen } from './screens/onboarding-screen.tsx';
import { OrganisationScreen } from './screens/organisation-screen.tsx';
import { PoliciesScreen } from './screens/policies-screen.tsx';
import { StorageScreen } from './screens/storage-screen.tsx';
import { VotingScreen } from './screens/voting-screen.tsx';
import { navigationSelectors, sessionSelectors, useAppStore } from './store/index.ts';

/** The signed-in window: the screen the tabs chose. */
function SignedIn() {
  const screen = useAppStore(navigationSelectors.screen);
  return (
    <div className="app-shell">
      <AppHeader />
      {screen === 'approvals' ? (
        <ApprovalsScreen />
      ) : screen === 'policies' ? (
        <PoliciesScreen />
      ) : screen === 'voting' ? (
        <VotingScreen />
      ) : screen === 'devices' ? (
        <DevicesScreen />
      ) : screen === 'storage' ? (
        <StorageScreen />
      ) : screen === 'organisation' ? (
        <OrganisationScreen />
      ) : screen === 'apps' ? (
        <AppsScreen />
      ) : screen === 'account' ? (
        <AccountScreen />
      ) : (
        <FilesScreen />
      )}
    </div>
  );
}

/** Picks the screen from the session: opening, onboarding, or the signed-in screens. */
export function App() {
  const phase = useAppStore(sessionSelectors.phase);
  const loadError = useAppStore(sessionSelectors.loadError);
  const loadSession = useAppStore((s) => s.loadSession);

  if (phase === 'signed-in') return <SignedIn />;
  if (phase === 'signed-out') return <OnboardingScreen />;
  return (
    <main className="splash" data-testid="splash">
      <BrandMark size={56} />
      {phase === 'failed' && loadError ? (
        <ErrorBanner
          title="The vault didn't start."
          message={loadError.message}
          onRetry={() => void loadSession()}
        />
      ) : (
        <p className="splash-text">
          <Spinner size={16} /> Opening your vault…
        </p>
      )}
    </main>
  );
}
