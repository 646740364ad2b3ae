import { NavLink } from 'react-router';
import { useQueries } from '@tanstack/react-query';
import type { Message, MyRoom } from '@messaging-app/shared';
import { UnreadBadge, withUnread } from '../../../components/UnreadBadge';
import { fetchParticipants, participantsKey } from '../../rooms/api/rooms';
import { roomTitle } from '../../rooms/roomTitle';
import { useSocketStatus } from '../../../hooks/useWebSocket';

/** A DM is online when anyone else in it is: its members list is kept live by presence frames. */
function useOnlineDms(dms: MyRoom[], myUserId: string | undefined): Set<string> {
  const connected = useSocketStatus() === 'open';
  const lists = useQueries({
    queries: dms.map((dm) => ({
      queryKey: participantsKey(dm.id),
      queryFn: () => fetchParticipants(dm.id),
    })),
  });
  const online = new Set<string>();
  if (!connected) return online;
  lists.forEach((list, i) => {
    const dm = dms[i];
    if (dm && list.data?.participants.some((p) => p.online && p.user.id !== myUserId)) online.add(dm.id);
  });
  return online;
}

/**
 * The last message of a DM in one line: who wrote it when that is not obvious, and no deleted text.
 * The room cache follows edits and deletes live, so the preview does too.
 */
export function previewOf(message: Message, myUserId: string | undefined, dm: MyRoom): string {
  if (message.deletedAt) return 'Message deleted';
  const text = message.body.replace(/\s+/g, ' ').trim();
  if (message.sender.id === myUserId) return `You: ${text}`;
  // In a group DM the title lists several people: say which one wrote.
  return (dm.dmMembers?.length ?? 1) > 1 ? `${message.sender.displayName}: ${text}` : text;
}

/** The sidebar's direct messages, named after the other people, with presence and unread badges. */
export function DmList({ dms, myUserId }: { dms: MyRoom[]; myUserId: string | undefined }) {
  const online = useOnlineDms(dms, myUserId);
  if (dms.length === 0) return <p className="sidebar-note">No direct messages yet.</p>;
  return (
    <ul className="room-list" aria-label="Direct messages">
      {dms.map((dm) => {
        const title = roomTitle(dm);
        const isOnline = online.has(dm.id);
        return (
          <li key={dm.id}>
            <NavLink
              to={`/rooms/${dm.id}`}
              aria-label={withUnread(`${title}${isOnline ? ' (online)' : ''}`, dm.unreadCount)}
              className={dm.unreadCount > 0 ? 'room-link unread' : 'room-link'}
            >
              <span className="room-hash">
                <span className={isOnline ? 'presence online' : 'presence'} aria-hidden="true" />
              </span>
              <span className="room-name">
                {title}
                {dm.lastMessage && (
                  <span className="room-preview">{previewOf(dm.lastMessage, myUserId, dm)}</span>
                )}
              </span>
              <UnreadBadge count={dm.unreadCount} />
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
