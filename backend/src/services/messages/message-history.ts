import { and, asc, eq } from 'drizzle-orm';
import type { MessageHistory } from '@messaging-app/shared';
import { messageEdits, messages } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { notFound } from '../errors.js';
import { iso } from '../presenters.js';
import { loadRoomForMember } from '../rooms/access.js';

/**
 * The earlier texts of a message, oldest first, for the room's members. A deleted message has none:
 * deleting erases them.
 */
export async function messageHistory(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  messageId: string,
): Promise<MessageHistory> {
  await loadRoomForMember(ctx.db, caller.userId, roomId);
  const [message] = await ctx.db
    .select({ deletedAt: messages.deletedAt })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.roomId, roomId)))
    .limit(1);
  if (!message) throw notFound('message');
  if (message.deletedAt) return { versions: [] };
  const rows = await ctx.db
    .select({ body: messageEdits.body, writtenAt: messageEdits.writtenAt })
    .from(messageEdits)
    .where(eq(messageEdits.messageId, messageId))
    .orderBy(asc(messageEdits.replacedAt), asc(messageEdits.id));
  return { versions: rows.map((r) => ({ body: r.body, editedAt: iso(r.writtenAt) })) };
}
