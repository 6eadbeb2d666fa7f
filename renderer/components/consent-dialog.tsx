import { printable } from '../../bridge/printable.ts';
import type { ConsentPrompt } from '../../bridge/types.ts';
import { formatDate } from '../model/format-date.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { Icon } from './icons.tsx';
import { useDialogAction } from './use-dialog-action.ts';

/** Where the browser is sent after the answer, shown as its origin and path (no query). */
function shownAddress(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.origin}${url.pathname}`;
  } catch {
    return uri;
  }
}

/**
 * An OAuth application asks for access (APPROVALS.md, as GitHub and Google show it): the name
 * the engine registered, never the link's words; each scope in plain words; where the browser
 * goes next; and two buttons that say what they do. Deny is as easy as giving access: the
 * second button, Escape, or closing the dialog all deny, and the application hears so.
 */
export function ConsentDialog({ prompt, onClose }: { prompt: ConsentPrompt; onClose: () => void }) {
  const answerConsent = useAppStore((s) => s.answerConsent);
  const { busy, error, run } = useDialogAction(onClose);
  const answer = (allow: boolean) => void run(() => answerConsent(prompt, allow));
  const app = prompt.application && {
    ...prompt.application,
    name: printable(prompt.application.name),
  };

  if (prompt.state !== 'ready' || !app) {
    return (
      <Dialog
        title={app ? `“${app.name}” can't be given access` : "This link can't be used"}
        description={<p data-testid="consent-refusal">{prompt.message}</p>}
        onClose={() => answer(false)}
        onSubmit={() => answer(false)}
        cancelLabel="Close"
        confirmLabel="Close"
        hideConfirm
        busy={busy}
        error={error}
        testId="consent-dialog"
        fallbackFocus='[data-testid="apps-tab"]'
      />
    );
  }

  return (
    <Dialog
      title={`Give “${app.name}” access to your vault?`}
      description={
        <p>
          <strong data-testid="consent-app-name">{app.name}</strong> is an application registered
          with your engine{' '}
          <time dateTime={app.createdAt}>{formatDate(app.createdAt, { withTime: false })}</time>. It
          asks to:
        </p>
      }
      onClose={() => answer(false)}
      onSubmit={() => answer(true)}
      cancelLabel="Deny"
      confirmLabel={`Give ${app.name} access`}
      busy={busy}
      error={error}
      testId="consent-dialog"
      fallbackFocus='[data-testid="apps-tab"]'
    >
      <ul className="consent-scopes" data-testid="consent-scopes">
        {prompt.scopes.map(({ scope, words }) => (
          <li key={scope} data-scope={scope}>
            <Icon name={scope === 'all' ? 'alert' : 'check'} size={14} />
            <span>{words}</span>
          </li>
        ))}
      </ul>
      <p className="consent-redirect">
        <span className="muted">Then your browser goes back to </span>
        <code data-testid="consent-redirect">{shownAddress(app.redirectUri)}</code>
      </p>
      <p className="muted consent-note">
        You can take the access back at any time under Connected apps → Apps you allowed.
      </p>
    </Dialog>
  );
}
