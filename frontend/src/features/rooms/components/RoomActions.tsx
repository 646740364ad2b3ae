import { useState } from 'react';
import type { Participant, Room } from '@messaging-app/shared';
import { AddPeopleDialog } from './AddPeopleDialog';
import { LeaveRoomDialog } from './LeaveRoomDialog';
import { RoomSettingsDialog } from './RoomSettingsDialog';

/** "Add people" for the room's owners and admins, "Leave room" for every member. */
export function RoomActions({
  room,
  participants,
  myUserId,
}: {
  room: Room;
  participants: Participant[];
  myUserId: string | undefined;
}) {
  const [open, setOpen] = useState<'add' | 'leave' | 'settings' | null>(null);
  const myRole = participants.find((p) => p.user.id === myUserId)?.role;
  const canAdd = myRole === 'owner' || myRole === 'admin';
  const close = () => setOpen(null);
  // A DM's people are fixed: nobody is added and nobody leaves.
  if (room.kind === 'dm') return null;

  return (
    <div className="room-actions">
      {canAdd && (
        <button type="button" className="button subtle" onClick={() => setOpen('add')}>
          Add people
        </button>
      )}
      {canAdd && (
        <button type="button" className="button subtle" onClick={() => setOpen('settings')}>
          Room settings
        </button>
      )}
      <button type="button" className="button subtle" onClick={() => setOpen('leave')}>
        Leave room
      </button>
      {open === 'add' && (
        <AddPeopleDialog roomId={room.id} roomName={room.name} participants={participants} onClose={close} />
      )}
      {open === 'settings' && <RoomSettingsDialog room={room} isOwner={myRole === 'owner'} onClose={close} />}
      {open === 'leave' && <LeaveRoomDialog roomId={room.id} roomName={room.name} onClose={close} />}
    </div>
  );
}
