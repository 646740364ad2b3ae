import { eq } from 'drizzle-orm';
import type { Message } from '@messaging-app/shared';
import { messageEdits, messages, notifications } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { conflict, forbidden } from '../errors.js';
import { loadRoomForMember } from '../rooms/access.js';
import { lockRoom, recordRoomEvent, reserveSeq } from '../rooms/events.js';
import { publishRoomEvents } from '../rooms/publish.js';
import { notifyMention, preview, publishNotifications } from '../notifications/create.js';
import type { Addressed } from '../notifications/create.js';
import { mentionedMembers } from './send-message.js';
import { lockMessageInRoom, presentOne } from './message-in-room.js';

export interface EditMessageInput {
  roomId: string;
  messageId: string;
  body: string;
}

/**
 * Replaces the text of the caller's own message. The earlier text goes to the edit history and a
 * `message.updated` event takes the room's next seq, in one transaction. Mentions added by the edit
 * notify the newly mentioned only: the (user, message, type) key skips anyone notified before, as
 * Slack does. An unchanged text changes nothing and records no event.
 */
export async function editMessage(
  ctx: AppContext,
  caller: Caller,
  input: EditMessageInput,
): Promise<Message> {
  await loadRoomForMember(ctx.db, caller.userId, input.roomId);
  let mentions: Addressed[] = [];
  const { message, eventSeq } = await ctx.db.transaction(async (tx) => {
    // The room lock orders this event's seq with every other change of the room and re-checks the
    // membership against a concurrent kick, as sends do.
    await lockRoom(tx, input.roomId);
    await loadRoomForMember(tx, caller.userId, input.roomId);
    const { message: row, sender } = await lockMessageInRoom(tx, input.roomId, input.messageId);
    if (row.senderId !== caller.userId) throw forbidden('only its author may edit a message');
    if (row.deletedAt) throw conflict('the message was deleted');
    const window = ctx.config.messageEditWindowMs;
    if (window !== null && Date.now() - row.createdAt.getTime() > window)
      throw forbidden('the time to edit this message has passed');
    if (row.body === input.body) {
      return { message: await presentOne(tx, row, sender), eventSeq: null };
    }
    const seq = await reserveSeq(tx, input.roomId);
    const now = new Date();
    await tx.insert(messageEdits).values({
      messageId: row.id,
      body: row.body,
      writtenAt: row.editedAt ?? row.createdAt,
      replacedAt: now,
    });
    const [updated] = await tx
      .update(messages)
      .set({ body: input.body, editedAt: now })
      .where(eq(messages.id, row.id))
      .returning();
    if (!updated) throw new Error('message vanished under its row lock');
    await recordRoomEvent(tx, { roomId: input.roomId, seq, type: 'message.updated', messageId: row.id });
    // Notifications and their emails show the current text, never the one edited away.
    await tx
      .update(notifications)
      .set({ preview: preview(input.body) })
      .where(eq(notifications.messageId, row.id));
    const recipients = await mentionedMembers(tx, input.roomId, caller.userId, input.body);
    mentions = await notifyMention(tx, recipients, {
      roomId: input.roomId,
      messageId: row.id,
      actorId: caller.userId,
      body: input.body,
      seq: row.seq,
    });
    return { message: await presentOne(tx, updated, sender), eventSeq: seq };
  });
  if (eventSeq === null) return message;
  await publishRoomEvents(ctx, [{ type: 'message.updated', roomId: input.roomId, seq: eventSeq, message }]);
  await publishNotifications(ctx, mentions);
  return message;
}
