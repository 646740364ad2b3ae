import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { messages, notifications } from '../../db/schema.js';
import type { Queryable } from '../../db/client.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { notFound } from '../errors.js';

/**
 * Marks the user's unread mentions of messages at or before `seq` in a room read, inside the read
 * marker's transaction: what the person has read in the room is never emailed to them afterwards.
 */
export async function readMentionsUpTo(
  tx: Queryable,
  userId: string,
  roomId: string,
  seq: number,
): Promise<string[]> {
  const read = await tx
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.roomId, roomId),
        eq(notifications.type, 'mention'),
        isNull(notifications.readAt),
        inArray(
          notifications.messageId,
          tx
            .select({ id: messages.id })
            .from(messages)
            .where(and(eq(messages.roomId, roomId), lte(messages.seq, seq))),
        ),
      ),
    )
    .returning({ id: notifications.id });
  return read.map((r) => r.id);
}

/** Tells every socket of the user (their other tabs) which notifications became read. */
export async function publishNotificationsRead(
  ctx: AppContext,
  userId: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await ctx.bus.publish({ kind: 'user.frame', userId, frame: { type: 'notification.read', ids } });
}

/** Marks one of the caller's notifications read. */
export async function markNotificationRead(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  const updated = await ctx.db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, caller.userId)))
    .returning({ id: notifications.id });
  if (updated.length === 0) throw notFound('notification');
  await publishNotificationsRead(ctx, caller.userId, [id]);
}

/** Marks every unread notification of the caller read. */
export async function markAllNotificationsRead(ctx: AppContext, caller: Caller): Promise<void> {
  const read = await ctx.db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, caller.userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  await publishNotificationsRead(
    ctx,
    caller.userId,
    read.map((r) => r.id),
  );
}
