import { useRooms } from '../../rooms/hooks/useRooms';
import { DmList } from './DmList';

/** The sidebar's "Direct messages" section: my DMs, most recently active first. */
export function DirectMessages({ myUserId }: { myUserId: string | undefined }) {
  const rooms = useRooms();
  if (!rooms.data) return null;
  const dms = rooms.data.rooms
    .filter((room) => room.kind === 'dm')
    .sort((a, b) =>
      (b.lastMessage?.createdAt ?? b.createdAt).localeCompare(a.lastMessage?.createdAt ?? a.createdAt),
    );
  return <DmList dms={dms} myUserId={myUserId} />;
}
