import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Room } from '@messaging-app/shared';
import { Icon } from '../../../components/Icon';
import { useAuth } from '../../auth/hooks/useAuth';
import { useSocketStatus } from '../../../hooks/useWebSocket';
import { useParticipants } from '../hooks/useParticipants';
import { RoomActions } from './RoomActions';
import { MemberList } from './MemberList';
import { roomTitle } from '../roomTitle';

/** The room's name and topic, and its members with who is online. */
export function RoomHeader({ room, member }: { room: Room; member: boolean }) {
  const participants = useParticipants(room.id, member);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  // The member list closes like a menu: Escape or a click anywhere else.
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const { user } = useAuth();
  const connected = useSocketStatus() === 'open';
  // I am online by definition while my socket is up, even if the list was fetched a moment before it was.
  // While it is down we know nothing about anyone: nobody is shown online (the list is refetched on
  // reconnect, since presence changes are not replayed).
  const list = (participants.data?.participants ?? []).map((p) => ({
    ...p,
    online: connected && (p.online || p.user.id === user?.id),
  }));
  const online = list.filter((p) => p.online).length;

  return (
    <header className="room-header">
      <Link to="/" className="back-link icon-button" aria-label="All rooms">
        ‹
      </Link>
      <div className="room-title">
        <h1>
          {room.kind !== 'dm' && <Icon name={room.visibility === 'private' ? 'lock' : 'hash'} size={18} />}
          {roomTitle(room)}
        </h1>
        {room.description && <p className="room-topic">{room.description}</p>}
      </div>
      {member && (
        <div className="members" ref={box}>
          <button
            type="button"
            className="button subtle"
            aria-expanded={open}
            aria-controls="member-list"
            onClick={() => setOpen(!open)}
          >
            {list.length} {list.length === 1 ? 'member' : 'members'}
            <span className="muted">{connected ? ` · ${online} online` : ' · presence unknown'}</span>
          </button>
          {open && (
            <MemberList
              roomId={room.id}
              roomName={room.name}
              participants={list}
              myUserId={user?.id}
              connected={connected}
            />
          )}
        </div>
      )}
      {member && <RoomActions room={room} participants={list} myUserId={user?.id} />}
    </header>
  );
}
