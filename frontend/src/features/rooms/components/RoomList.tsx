import { NavLink } from 'react-router';
import type { MyRoom } from '@messaging-app/shared';
import { Icon } from '../../../components/Icon';
import { UnreadBadge, withUnread } from '../../../components/UnreadBadge';
import { useRooms } from '../hooks/useRooms';

function RoomLink({ room }: { room: MyRoom }) {
  const unread = room.unreadCount;
  return (
    <li>
      <NavLink
        to={`/rooms/${room.id}`}
        aria-label={withUnread(room.name, unread)}
        className={unread > 0 ? 'room-link unread' : 'room-link'}
      >
        <span className="room-hash">
          <Icon name={room.visibility === 'private' ? 'lock' : 'hash'} size={15} />
        </span>
        <span className="room-name">{room.name}</span>
        <UnreadBadge count={unread} />
      </NavLink>
    </li>
  );
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Rooms (not DMs) in alphabetical order: a sidebar that does not reshuffle on every message. */
export const sortedRooms = (rooms: MyRoom[]) =>
  rooms.filter((room) => room.kind !== 'dm').sort((a, b) => collator.compare(a.name, b.name));

/** The sidebar list of my rooms, each with its unread badge. */
export function RoomList() {
  const rooms = useRooms();
  if (rooms.isPending) return <p className="sidebar-note">Loading rooms…</p>;
  if (rooms.isError)
    return (
      <p className="sidebar-note" role="alert">
        Could not load your rooms.
      </p>
    );
  const list = sortedRooms(rooms.data.rooms);
  if (list.length === 0) return <p className="sidebar-note">No rooms yet: create one or browse.</p>;
  return (
    <ul className="room-list" aria-label="Rooms">
      {list.map((room) => (
        <RoomLink key={room.id} room={room} />
      ))}
    </ul>
  );
}
