import { count, eq } from 'drizzle-orm';
import type { Room, UpdateRoomBody } from '@messaging-app/shared';
import { roomParticipants, rooms } from '../../db/schema.js';
import type { Queryable } from '../../db/client.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toRoom } from '../presenters.js';
import { loadRoomForRole, loadRoomForViewer } from './access.js';
import type { RoomRow } from './access.js';
import { refusingTakenName } from './name-taken.js';
import { dmMembersOf } from '../dms/members.js';
import { getUser } from '../users/profile.js';
import { appendRoomEvent } from './events.js';
import { publishRoomEvents } from './publish.js';
import { roomUpdatedFrame } from './room-updated.js';

async function memberCount(q: Queryable, roomId: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(roomParticipants)
    .where(eq(roomParticipants.roomId, roomId));
  return row?.n ?? 0;
}

export async function presentRoom(q: Queryable, room: RoomRow, role: Room['role']): Promise<Room> {
  return toRoom(room, { role, memberCount: await memberCount(q, room.id) });
}

export async function getRoom(ctx: AppContext, caller: Caller, roomId: string): Promise<Room> {
  const { room, membership } = await loadRoomForViewer(ctx.db, caller.userId, roomId);
  const presented = await presentRoom(ctx.db, room, membership?.role ?? null);
  if (room.kind !== 'dm') return presented;
  const members = await dmMembersOf(ctx.db, [room.id], caller.userId);
  return { ...presented, dmMembers: members.get(room.id) ?? [] };
}

/**
 * Owners and admins may rename, describe and change the visibility of a room. The change is a
 * `room.updated` event with the room's next seq, in the transaction of the change, so every member's
 * sidebar and header follow it live and a client that resumes gets it in its replay.
 */
export async function updateRoom(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  input: UpdateRoomBody,
): Promise<Room> {
  const { membership } = await loadRoomForRole(ctx.db, caller.userId, roomId, 'admin');
  const changes: Partial<typeof rooms.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  const { room, seq } = await refusingTakenName(() =>
    ctx.db.transaction(async (tx) => {
      // The seq first: the row returned below then carries the room's new last seq.
      // The event's user is who made the change (its actor).
      const seq = await appendRoomEvent(tx, roomId, 'room.updated', { userId: caller.userId });
      const [room] = await tx.update(rooms).set(changes).where(eq(rooms.id, roomId)).returning();
      if (!room) throw new Error('room vanished during update');
      return { room, seq };
    }),
  );
  await publishRoomEvents(ctx, [roomUpdatedFrame(room, seq, await getUser(ctx, caller.userId))]);
  return presentRoom(ctx.db, room, membership.role);
}

/** Only the owner may delete a room; its members' sockets stop receiving it at once. */
export async function deleteRoom(ctx: AppContext, caller: Caller, roomId: string): Promise<void> {
  await loadRoomForRole(ctx.db, caller.userId, roomId, 'owner');
  await ctx.db.delete(rooms).where(eq(rooms.id, roomId));
  await ctx.bus.publish({ kind: 'room.deleted', roomId });
}
