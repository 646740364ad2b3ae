import { and, eq, isNull } from 'drizzle-orm';
import { messageEdits, messageReactions, messages, notifications } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { forbidden } from '../errors.js';
import { loadRoomForMember } from '../rooms/access.js';
import { lockRoom, recordRoomEvent, reserveSeq } from '../rooms/events.js';
import { publishRoomEvents } from '../rooms/publish.js';
import { publishNotificationsRead } from '../notifications/read.js';
import { lockMessageInRoom, presentOne } from './message-in-room.js';

/**
 * Deletes a message: its author may, and so may the room's owner and admins. The message keeps its
 * place (and seq) with `deletedAt` and an empty body; its text is erased from the row, from the edit
 * history and from notification previews, its reactions go, and its unread notifications are marked
 * read so that no email goes out for it. One `message.deleted` event, same transaction. Deleting a
 * deleted message changes nothing.
 */
export async function deleteMessage(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  messageId: string,
): Promise<void> {
  await loadRoomForMember(ctx.db, caller.userId, roomId);
  const outcome = await ctx.db.transaction(async (tx) => {
    await lockRoom(tx, roomId);
    const { membership } = await loadRoomForMember(tx, caller.userId, roomId);
    const { message: row, sender } = await lockMessageInRoom(tx, roomId, messageId);
    const moderator = membership.role === 'owner' || membership.role === 'admin';
    if (row.senderId !== caller.userId && !moderator) {
      throw forbidden('only its author or a room owner or admin may delete a message');
    }
    if (row.deletedAt) return null;
    const seq = await reserveSeq(tx, roomId);
    const [deleted] = await tx
      .update(messages)
      .set({ body: '', deletedAt: new Date() })
      .where(eq(messages.id, row.id))
      .returning();
    if (!deleted) throw new Error('message vanished under its row lock');
    await tx.delete(messageEdits).where(eq(messageEdits.messageId, row.id));
    await tx.delete(messageReactions).where(eq(messageReactions.messageId, row.id));
    await recordRoomEvent(tx, { roomId, seq, type: 'message.deleted', messageId: row.id });
    await tx.update(notifications).set({ preview: '' }).where(eq(notifications.messageId, row.id));
    const read = await tx
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(eq(notifications.messageId, row.id), isNull(notifications.readAt)))
      .returning({ id: notifications.id, userId: notifications.userId });
    return { seq, message: await presentOne(tx, deleted, sender), read };
  });
  if (!outcome) return;
  await publishRoomEvents(ctx, [
    { type: 'message.deleted', roomId, seq: outcome.seq, message: outcome.message },
  ]);
  const byUser = new Map<string, string[]>();
  for (const { id, userId } of outcome.read) byUser.set(userId, [...(byUser.get(userId) ?? []), id]);
  for (const [userId, ids] of byUser) await publishNotificationsRead(ctx, userId, ids);
}
