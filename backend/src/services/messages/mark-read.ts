import { and, eq, sql } from 'drizzle-orm';
import { roomParticipants } from '../../db/schema.js';
import type { Queryable } from '../../db/client.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { loadRoomForMember } from '../rooms/access.js';
import { publishNotificationsRead, readMentionsUpTo } from '../notifications/read.js';

/** The caller's read marker of a room and the unread messages it leaves (the sidebar's count). */
async function readState(q: Queryable, userId: string, roomId: string) {
  const [row] = await q
    .select({
      lastReadSeq: roomParticipants.lastReadSeq,
      unreadCount: sql<number>`(
        select count(*)::int from messages m
        where m.room_id = ${roomId} and m.seq > room_participants.last_read_seq
          and m.sender_id <> ${userId} and m.deleted_at is null
      )`,
    })
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  return row ? { lastReadSeq: row.lastReadSeq, unreadCount: Number(row.unreadCount) } : null;
}

/**
 * Moves the caller's read marker forward (never past the room's last seq) and, in the same
 * transaction, marks their mentions up to it read. With `unread` it moves the marker back to `seq`
 * instead ("mark as unread" from the message after it); mentions stay as they are. Every socket of
 * the user (their other tabs) hears the marker and the unread count after the commit.
 */
export async function markRead(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  seq: number,
  options: { unread?: boolean | undefined } = {},
): Promise<void> {
  const { room } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  const target = Math.min(seq, room.lastSeq);
  const { readIds, state } = await ctx.db.transaction(async (tx) => {
    const marker = options.unread
      ? sql`${target}`
      : sql`greatest(${roomParticipants.lastReadSeq}, ${target})`;
    await tx
      .update(roomParticipants)
      .set({ lastReadSeq: marker })
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, caller.userId)));
    const readIds = options.unread ? [] : await readMentionsUpTo(tx, caller.userId, roomId, target);
    return { readIds, state: await readState(tx, caller.userId, roomId) };
  });
  await publishNotificationsRead(ctx, caller.userId, readIds);
  if (state) {
    await ctx.bus.publish({
      kind: 'user.frame',
      userId: caller.userId,
      frame: { type: 'room.read', roomId, ...state },
    });
  }
}
