import { and, eq } from 'drizzle-orm';
import type { Membership, RoomEventFrame } from '@messaging-app/shared';
import { roomParticipants } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { forgetMembership } from '../../cache/caches.js';
import { loadRoomForRole } from './access.js';
import type { MembershipRow } from './access.js';
import { appendRoomEvent, lockRoom } from './events.js';
import { presentMembership } from './membership.js';
import { memberEventFrame, publishRoomEvents } from './publish.js';

/**
 * The owner promotes a member to admin or demotes an admin: a `member.updated` event with the new
 * role, in the transaction of the change. Asking for the role someone already has changes nothing.
 */
export async function changeRole(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
  role: 'admin' | 'member',
): Promise<Membership> {
  await loadRoomForRole(ctx.db, caller.userId, roomId, 'owner');
  if (userId === caller.userId) throw badRequest('the owner keeps the owner role');
  const { row, frame } = await ctx.db.transaction(async (tx) => {
    // Under the room's lock, like leaves and kicks: the target is still there, the caller still owns.
    await lockRoom(tx, roomId);
    const members = await tx
      .select()
      .from(roomParticipants)
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)));
    const [callerRow] = await tx
      .select()
      .from(roomParticipants)
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, caller.userId)));
    if (callerRow?.role !== 'owner') throw forbidden('only the room owner may change roles');
    const target = members[0];
    if (!target) throw notFound('member');
    if (target.role === role) return { row: target, frame: null };
    const [updated] = await tx
      .update(roomParticipants)
      .set({ role })
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
      .returning();
    const seq = await appendRoomEvent(tx, roomId, 'member.updated', { userId, actorId: caller.userId, role });
    const event: RoomEventFrame = await memberEventFrame(tx, 'member.updated', roomId, seq, userId, {
      actorId: caller.userId,
      role,
    });
    return { row: updated as MembershipRow, frame: event };
  });
  if (frame) {
    await forgetMembership(ctx.db, roomId, userId);
    await publishRoomEvents(ctx, [frame]);
  }
  return presentMembership(ctx, row);
}
