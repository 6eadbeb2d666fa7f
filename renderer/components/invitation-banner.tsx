import { printable } from '../../bridge/printable.ts';
import { formatDate } from '../model/format-date.ts';
import { organisationSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';
import { Spinner } from './spinner.tsx';

/**
 * Invitations to an organisation waiting for this profile's answer, on every signed-in screen.
 * What it shows comes from the engine's record of the invitation (list-invites), never from
 * the event that announced it; joining is the person's click, and saying what it lets the
 * organisation see and do comes before it (APPROVALS.md).
 */
export function InvitationBanner() {
  const invitations = useAppStore(organisationSelectors.invitations);
  if (invitations.length === 0) return null;
  return (
    <div className="invitation-stack" data-testid="invitation-banners">
      {invitations.map((invitation) => (
        <InvitationRow key={invitation.invitationId} invitationId={invitation.invitationId} />
      ))}
    </div>
  );
}

function InvitationRow({ invitationId }: { invitationId: string }) {
  const invitation = useAppStore((s) =>
    organisationSelectors.invitations(s).find((i) => i.invitationId === invitationId),
  );
  const answering = useAppStore(organisationSelectors.answering(invitationId));
  const answerInvitation = useAppStore((s) => s.answerInvitation);
  if (!invitation) return null;
  const name = printable(invitation.directoryName);
  const role = invitation.role === 'admin' ? 'an admin' : 'a member';
  return (
    <div
      className="banner banner-info invitation-banner"
      role="region"
      aria-label={`Invitation to ${name}`}
      data-testid="invitation-banner"
      data-invitation-id={invitation.invitationId}
    >
      <Icon name="mail" />
      <div className="banner-text">
        <strong>
          You are invited to join {name} as {role}.
        </strong>{' '}
        <span className="muted">
          Invited <time dateTime={invitation.createdAt}>{formatDate(invitation.createdAt)}</time>.
        </span>
        <p className="invitation-terms">
          If you join, its owner and admins see how many devices and files you have (never the files
          themselves), can set up devices and storage devices for you, and can ask you to vote.
          {invitation.role === 'admin' ? ' As an admin you can do the same for its members.' : ''}
        </p>
      </div>
      <div className="banner-actions" role="group" aria-label={`Answer the invitation to ${name}`}>
        <button
          type="button"
          className="button button-small"
          disabled={answering !== null}
          aria-busy={answering === 'decline' || undefined}
          onClick={() => void answerInvitation(invitation.invitationId, false)}
        >
          {answering === 'decline' ? <Spinner size={12} /> : null}
          Decline
        </button>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={answering !== null}
          aria-busy={answering === 'accept' || undefined}
          onClick={() => void answerInvitation(invitation.invitationId, true)}
        >
          {answering === 'accept' ? <Spinner size={12} /> : <Icon name="check" size={13} />}
          Join {name}
        </button>
      </div>
    </div>
  );
}
