import { BrandMark } from './components/brand-mark.tsx';
import { ErrorBanner } from './components/error-banner.tsx';
import { Spinner } from './components/spinner.tsx';
import { FilesScreen } from './screens/files-screen.tsx';
import { OnboardingScreen } from './screens/onboarding-screen.tsx';
import { sessionSelectors, useAppStore } from './store/index.ts';

/** Picks the screen from the session: opening, onboarding, or the files workspace. */
export function App() {
  const phase = useAppStore(sessionSelectors.phase);
  const loadError = useAppStore(sessionSelectors.loadError);
  const loadSession = useAppStore((s) => s.loadSession);

  if (phase === 'signed-in') return <FilesScreen />;
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
