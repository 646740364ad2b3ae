import { asc, inArray } from 'drizzle-orm';
import type { Message, ReactionSummary } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { messageReactions } from '../../db/schema.js';

/** The reactions of each message, by emoji in the order each emoji first appeared. */
export async function reactionsOf(
  q: Queryable,
  messageIds: string[],
): Promise<Map<string, ReactionSummary[]>> {
  const byMessage = new Map<string, ReactionSummary[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await q
    .select({
      messageId: messageReactions.messageId,
      userId: messageReactions.userId,
      emoji: messageReactions.emoji,
    })
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, [...new Set(messageIds)]))
    .orderBy(asc(messageReactions.createdAt), asc(messageReactions.userId));
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    let summary = list.find((r) => r.emoji === row.emoji);
    if (!summary) list.push((summary = { emoji: row.emoji, count: 0, userIds: [] }));
    summary.count += 1;
    summary.userIds.push(row.userId);
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/** Fills in the reactions of messages built by `toMessage` (which knows only the message row). */
export async function withReactions<M extends Message>(q: Queryable, list: M[]): Promise<M[]> {
  const live = list.filter((m) => !m.deletedAt);
  const byMessage = await reactionsOf(
    q,
    live.map((m) => m.id),
  );
  return list.map((m) => ({ ...m, reactions: byMessage.get(m.id) ?? [] }));
}
