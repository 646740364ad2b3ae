import { Link, useNavigate } from 'react-router';
import type { Notification } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { formatAgo } from '../../../utils/format';
import { useMarkNotificationsRead, useNotifications } from '../hooks/useNotifications';
import { FormError } from '../../../components/FormError';
import { InvitationList } from './InvitationList';

function describe(notification: Notification): string {
  const who = notification.actor?.displayName ?? 'Someone';
  const where = notification.roomName ? ` in #${notification.roomName}` : '';
  if (notification.type === 'mention') return `${who} mentioned you${where}`;
  return notification.invitationId
    ? `${who} invited you to a room${where}`
    : `${who} added you to a room${where}`;
}

/**
 * The notifications panel, with pending invitations on top: a click marks one read and opens its
 * message (an invitation's room opens only once it is accepted).
 */
export function NotificationList() {
  const notifications = useNotifications();
  const markRead = useMarkNotificationsRead();
  const navigate = useNavigate();

  function open(notification: Notification) {
    if (!notification.readAt) markRead.mutate(notification.id);
    if (!notification.roomId || notification.invitationId) return;
    const target = notification.messageId ? `?message=${notification.messageId}` : '';
    void navigate(`/rooms/${notification.roomId}${target}`);
  }

  return (
    <section className="panel" aria-labelledby="notifications-title">
      <header className="panel-header">
        <Link to="/" className="back-link icon-button" aria-label="All rooms">
          ‹
        </Link>
        <h1 id="notifications-title">Notifications</h1>
        <button
          type="button"
          className="button"
          disabled={!notifications.data || notifications.data.unreadCount === 0}
          onClick={() => markRead.mutate(null)}
        >
          Mark all read
        </button>
      </header>
      <InvitationList />
      {notifications.isPending ? (
        <p className="muted">Loading…</p>
      ) : notifications.isError ? (
        <FormError message="Could not load notifications." />
      ) : notifications.data.notifications.length === 0 ? (
        <p className="empty">You are all caught up. Mentions of you will show here.</p>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {notifications.data.notifications.map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className={n.readAt ? 'notification' : 'notification unread'}
                onClick={() => open(n)}
              >
                {n.actor && <Avatar user={n.actor} size={32} />}
                <span className="notification-text">
                  <span className="notification-title">
                    {describe(n)}
                    {!n.readAt && <span className="visually-hidden"> (unread)</span>}
                  </span>
                  <span className="notification-preview">{n.preview}</span>
                  <time dateTime={n.createdAt} className="muted small">
                    {formatAgo(n.createdAt)}
                  </time>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
