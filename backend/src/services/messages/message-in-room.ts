import { and, eq } from 'drizzle-orm';
import type { Message } from '@messaging-app/shared';
import type { Queryable, Tx } from '../../db/client.js';
import { messages, users } from '../../db/schema.js';
import { notFound } from '../errors.js';
import { toMessage } from '../presenters.js';
import type { PublicUserRow } from '../presenters.js';
import { withReactions } from './reactions-of.js';

export type MessageRow = typeof messages.$inferSelect;

/**
 * A message of a room with its sender, row-locked for the change about to be made. A message of
 * another room answers 404 like one that does not exist: ids never cross rooms.
 */
export async function lockMessageInRoom(
  tx: Tx,
  roomId: string,
  messageId: string,
): Promise<{ message: MessageRow; sender: PublicUserRow }> {
  const [row] = await tx
    .select({ message: messages, sender: users })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(eq(messages.id, messageId), eq(messages.roomId, roomId)))
    .limit(1)
    .for('update', { of: messages });
  if (!row) throw notFound('message');
  return row;
}

/** A message as answers show it, reactions included (read in the change's transaction). */
export async function presentOne(q: Queryable, row: MessageRow, sender: PublicUserRow): Promise<Message> {
  const [message] = await withReactions(q, [toMessage(row, sender)]);
  if (!message) throw new Error('a message went missing while being presented');
  return message;
}
