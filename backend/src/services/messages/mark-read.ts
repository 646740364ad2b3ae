import { and, eq, sql } from 'drizzle-orm';
import { roomParticipants } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { loadRoomForMember } from '../rooms/access.js';
import { publishNotificationsRead, readMentionsUpTo } from '../notifications/read.js';

/**
 * Moves the caller's read marker forward (never back, never past the room's last seq) and, in the
 * same transaction, marks their mentions up to it read; their other tabs hear of it after the commit.
 */
export async function markRead(ctx: AppContext, caller: Caller, roomId: string, seq: number): Promise<void> {
  const { room } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  const target = Math.min(seq, room.lastSeq);
  const readIds = await ctx.db.transaction(async (tx) => {
    await tx
      .update(roomParticipants)
      .set({ lastReadSeq: sql`greatest(${roomParticipants.lastReadSeq}, ${target})` })
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, caller.userId)));
    return readMentionsUpTo(tx, caller.userId, roomId, target);
  });
  await publishNotificationsRead(ctx, caller.userId, readIds);
}
