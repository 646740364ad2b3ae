import type { CreateRoomBody, Room } from '@messaging-app/shared';
import { roomParticipants, rooms } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toRoom } from '../presenters.js';
import { refusingTakenName } from './name-taken.js';

/** Creates a room with the caller as its owner. The log starts empty: the first event is seq 1. */
export async function createRoom(ctx: AppContext, caller: Caller, input: CreateRoomBody): Promise<Room> {
  return refusingTakenName(() =>
    ctx.db.transaction(async (tx) => {
      const [room] = await tx
        .insert(rooms)
        .values({
          name: input.name,
          description: input.description ?? '',
          visibility: input.visibility,
          createdBy: caller.userId,
        })
        .returning();
      if (!room) throw new Error('room insert returned nothing');
      await tx.insert(roomParticipants).values({ roomId: room.id, userId: caller.userId, role: 'owner' });
      return toRoom(room, { role: 'owner', memberCount: 1 });
    }),
  );
}
