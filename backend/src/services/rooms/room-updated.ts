import type { RoomUpdatedFrame, User } from '@messaging-app/shared';
import type { rooms } from '../../db/schema.js';

type RoomRow = Pick<typeof rooms.$inferSelect, 'id' | 'name' | 'description' | 'visibility'>;

/**
 * The `room.updated` event of a settings change, live or replayed: it carries the room's current
 * settings (a replay shows the room as it is now) and who made the change.
 */
export function roomUpdatedFrame(room: RoomRow, seq: number, actor: User): RoomUpdatedFrame {
  return {
    type: 'room.updated',
    roomId: room.id,
    seq,
    name: room.name,
    description: room.description,
    visibility: room.visibility,
    actor,
  };
}
