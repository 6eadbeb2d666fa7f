import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { subscribeToBridgeEvents, useAppStore } from './store/index.ts';
import './styles/tokens.css';
import './styles/base.css';
import './styles/controls.css';
import './styles/onboarding.css';
import './styles/workspace.css';
import './styles/pages.css';
import './styles/organisation.css';
import './styles/governance.css';
import './styles/connected-apps.css';

// Events first, so nothing main sends while the first answers are in flight is lost.
subscribeToBridgeEvents(useAppStore);
void useAppStore.getState().loadEngineStatus();
void useAppStore.getState().loadSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
