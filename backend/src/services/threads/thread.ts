import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { ThreadPage, ThreadQuery } from '@messaging-app/shared';
import { messages, threadReads, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { badRequest, notFound } from '../errors.js';
import { toMessage } from '../presenters.js';
import { loadRoomForMember } from '../rooms/access.js';
import { withReactions } from '../messages/reactions-of.js';

async function rootOf(ctx: AppContext, roomId: string, messageId: string) {
  const [row] = await ctx.db
    .select({ message: messages, sender: users })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(eq(messages.id, messageId), eq(messages.roomId, roomId)))
    .limit(1);
  if (!row) throw notFound('message');
  if (row.message.threadId) throw badRequest('that message is a reply; open its thread’s root');
  return row;
}

/**
 * A thread for a member of its room: the root and a page of replies in ascending seq, the oldest after
 * `after` (from the first reply by default), or the newest before `before` (with `latest`, the newest).
 */
export async function getThread(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  messageId: string,
  query: ThreadQuery,
): Promise<ThreadPage> {
  await loadRoomForMember(ctx.db, caller.userId, roomId);
  const root = await rootOf(ctx, roomId, messageId);
  const backward = query.before !== undefined || query.latest === true;
  const range = backward
    ? query.before !== undefined
      ? [lt(messages.seq, query.before)]
      : []
    : [gt(messages.seq, query.after ?? 0)];
  const rows = await ctx.db
    .select({ message: messages, sender: users })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(eq(messages.threadId, messageId), ...range))
    .orderBy(backward ? desc(messages.seq) : asc(messages.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  if (backward) page.reverse();
  const [read] = await ctx.db
    .select({ seq: threadReads.lastReadSeq })
    .from(threadReads)
    .where(and(eq(threadReads.userId, caller.userId), eq(threadReads.messageId, messageId)))
    .limit(1);
  const [rootMessage, ...replies] = await withReactions(ctx.db, [
    toMessage(root.message, root.sender),
    ...page.map((r) => toMessage(r.message, r.sender)),
  ]);
  if (!rootMessage) throw new Error(`thread ${messageId} lost its root`);
  return {
    root: rootMessage,
    replies,
    hasMore: rows.length > query.limit,
    lastReadSeq: read?.seq ?? 0,
  };
}

/** Moves the caller's read marker of one thread forward (never back), apart from the room's marker. */
export async function markThreadRead(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  messageId: string,
  seq: number,
): Promise<void> {
  const { room } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  await rootOf(ctx, roomId, messageId);
  const upTo = Math.min(seq, room.lastSeq);
  await ctx.db
    .insert(threadReads)
    .values({ userId: caller.userId, messageId, lastReadSeq: upTo })
    .onConflictDoUpdate({
      target: [threadReads.userId, threadReads.messageId],
      set: { lastReadSeq: sql`greatest(${threadReads.lastReadSeq}, excluded.last_read_seq)` },
    });
}
