import { and, count, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { NotificationPage } from '@messaging-app/shared';
import { messages, notifications, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { notFound } from '../errors.js';
import { toNotification } from '../presenters.js';

export interface NotificationQuery {
  unread?: boolean | undefined;
  before?: string | undefined;
  limit: number;
}

/** The caller's notifications, newest first, paged by the id of the last one seen. */
export async function listNotifications(
  ctx: AppContext,
  caller: Caller,
  query: NotificationQuery,
): Promise<NotificationPage> {
  const where = [eq(notifications.userId, caller.userId)];
  if (query.unread) where.push(isNull(notifications.readAt));
  if (query.before) {
    const [cursor] = await ctx.db
      .select({ createdAt: notifications.createdAt, id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.id, query.before), eq(notifications.userId, caller.userId)))
      .limit(1);
    if (!cursor) throw notFound('notification');
    const older = or(
      lt(notifications.createdAt, cursor.createdAt),
      and(eq(notifications.createdAt, cursor.createdAt), lt(notifications.id, cursor.id)),
    );
    if (older) where.push(older);
  }
  const rows = await ctx.db
    .select({ n: notifications, actor: users, roomName: rooms.name, seq: messages.seq })
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.actorId))
    .leftJoin(rooms, eq(rooms.id, notifications.roomId))
    .leftJoin(messages, eq(messages.id, notifications.messageId))
    .where(and(...where))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(query.limit + 1);
  const [unread] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, caller.userId), isNull(notifications.readAt)));
  return {
    notifications: rows
      .slice(0, query.limit)
      .map((r) => toNotification(r.n, r.actor, { roomName: r.roomName, seq: r.seq })),
    unreadCount: unread?.n ?? 0,
    hasMore: rows.length > query.limit,
  };
}
