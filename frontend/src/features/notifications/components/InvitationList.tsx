import { useNavigate } from 'react-router';
import { Avatar } from '../../../components/Avatar';
import { FormError } from '../../../components/FormError';
import { formatAgo } from '../../../utils/format';
import { useAnswerInvitation, useInvitations } from '../hooks/useInvitations';
import { useBlockUser } from '../../blocks/hooks/useBlocks';

/**
 * Pending room invitations with Accept and Decline; "Block" declines and blocks the sender, whose
 * invitations then never reach me. Renders nothing when there are none.
 */
export function InvitationList() {
  const invitations = useInvitations();
  const answer = useAnswerInvitation();
  const block = useBlockUser();
  const navigate = useNavigate();

  if (!invitations.data || invitations.data.invitations.length === 0) return null;
  const busy = answer.isPending || block.isPending;

  return (
    <section className="invitations" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <FormError message={answer.error?.message ?? block.error?.message} />
      <ul className="invitation-list" aria-label="Invitations">
        {invitations.data.invitations.map((invitation) => {
          const { inviter, room } = invitation;
          return (
            <li key={invitation.id} className="invitation">
              <Avatar user={inviter} size={32} />
              <span className="notification-text">
                <span className="notification-title">
                  {inviter.displayName} invited you to #{room.name}
                </span>
                {room.description && <span className="notification-preview">{room.description}</span>}
                <time dateTime={invitation.createdAt} className="muted small">
                  {formatAgo(invitation.createdAt)}
                </time>
              </span>
              <span className="invitation-actions">
                <button
                  type="button"
                  className="button primary"
                  aria-label={`Accept the invitation to ${room.name}`}
                  disabled={busy}
                  onClick={() =>
                    answer.mutate(
                      { id: invitation.id, roomId: room.id, accept: true },
                      { onSuccess: () => void navigate(`/rooms/${room.id}`) },
                    )
                  }
                >
                  Accept
                </button>
                <button
                  type="button"
                  className="button"
                  aria-label={`Decline the invitation to ${room.name}`}
                  disabled={busy}
                  onClick={() => answer.mutate({ id: invitation.id, roomId: room.id, accept: false })}
                >
                  Decline
                </button>
                <button
                  type="button"
                  className="button subtle"
                  aria-label={`Decline and block ${inviter.displayName}`}
                  disabled={busy}
                  onClick={() =>
                    answer.mutate(
                      { id: invitation.id, roomId: room.id, accept: false },
                      { onSuccess: () => block.mutate(inviter.id) },
                    )
                  }
                >
                  Block
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
