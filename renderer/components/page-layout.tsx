import type { ReactNode } from 'react';
import type { Screen } from '../store/index.ts';
import { screenPanelId, screenTabId } from './app-nav.tsx';
import { DialogHost } from './dialog-host.tsx';
import { InvitationBanner } from './invitation-banner.tsx';
import { KeyStatusBanner } from './key-status-banner.tsx';
import { NoticeStack } from './notice-stack.tsx';

/** A signed-in screen other than Files: the key banner and one scrolling page, under the shared header. */
export function PageLayout({
  screen,
  title,
  actions,
  testId,
  children,
}: {
  screen: Screen;
  title: string;
  actions?: ReactNode;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="page-shell">
      <main
        className="page"
        id={screenPanelId(screen)}
        aria-labelledby={screenTabId(screen)}
        data-testid={testId}
      >
        <div className="page-inner">
          <KeyStatusBanner />
          <InvitationBanner />
          <div className="page-header">
            <h1 className="page-title">{title}</h1>
            {actions ? <div className="page-actions">{actions}</div> : null}
          </div>
          {children}
        </div>
      </main>
      <NoticeStack />
      <DialogHost />
    </div>
  );
}
