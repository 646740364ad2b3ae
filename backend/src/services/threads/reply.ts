import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { messages, roomParticipants } from '../../db/schema.js';
import type { Tx } from '../../db/client.js';
import { badRequest, notFound } from '../errors.js';
import { appendRoomEvent } from '../rooms/events.js';

type MessageRow = typeof messages.$inferSelect;

/**
 * The root a reply goes under, read under the room's lock: a message of the same room (404
 * otherwise, as for any message the caller cannot see) that is not itself a reply (400).
 */
export async function threadRoot(tx: Tx, roomId: string, threadId: string): Promise<MessageRow> {
  const [root] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.id, threadId), eq(messages.roomId, roomId)))
    .limit(1);
  if (!root) throw notFound('message');
  if (root.threadId) throw badRequest('reply to the thread’s root, not to a reply');
  return root;
}

/**
 * Counts a new reply on its root (count, last reply time, participants) and records that as the
 * root's `message.updated` event, so every client and every replay sees the new summary.
 */
export async function countReply(
  tx: Tx,
  root: MessageRow,
  reply: MessageRow,
): Promise<{ root: MessageRow; seq: number }> {
  const [updated] = await tx
    .update(messages)
    .set({
      replyCount: sql`${messages.replyCount} + 1`,
      lastReplyAt: reply.createdAt,
      threadParticipantIds: sql`case when ${reply.senderId}::uuid = any(${messages.threadParticipantIds})
        then ${messages.threadParticipantIds}
        else array_append(${messages.threadParticipantIds}, ${reply.senderId}::uuid) end`,
    })
    .where(eq(messages.id, root.id))
    .returning();
  if (!updated) throw new Error(`thread root ${root.id} vanished under its room's lock`);
  const seq = await appendRoomEvent(tx, root.roomId, 'message.updated', { messageId: root.id });
  return { root: updated, seq };
}

/**
 * Who hears of a message besides @mentions: in a DM every other member; in a thread the root's
 * author and everyone who replied. Only current members of the room, never the sender.
 */
export async function followersOf(
  tx: Tx,
  roomId: string,
  senderId: string,
  scope: { dm: boolean; root: MessageRow | null },
): Promise<string[]> {
  if (scope.dm) {
    const rows = await tx
      .select({ id: roomParticipants.userId })
      .from(roomParticipants)
      .where(and(eq(roomParticipants.roomId, roomId), ne(roomParticipants.userId, senderId)));
    return rows.map((r) => r.id);
  }
  if (!scope.root) return [];
  const wanted = [...new Set([scope.root.senderId, ...scope.root.threadParticipantIds])].filter(
    (id) => id !== senderId,
  );
  if (wanted.length === 0) return [];
  const rows = await tx
    .select({ id: roomParticipants.userId })
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), inArray(roomParticipants.userId, wanted)));
  return rows.map((r) => r.id);
}
