import { and, eq } from 'drizzle-orm';
import { limits } from '@messaging-app/shared';
import type { RoomEventFrame } from '@messaging-app/shared';
import type { Tx } from '../../db/client.js';
import { messageReactions } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { conflict } from '../errors.js';
import { loadRoomForMember } from '../rooms/access.js';
import { lockRoom, recordRoomEvent, reserveSeq } from '../rooms/events.js';
import { publishRoomEvents } from '../rooms/publish.js';
import { lockMessageInRoom } from './message-in-room.js';

/** One person's different emoji on one message are bounded; re-adding one they have is fine. */
async function refuseBeyondLimit(tx: Tx, key: { messageId: string; userId: string; emoji: string }) {
  const mine = await tx
    .select({ emoji: messageReactions.emoji })
    .from(messageReactions)
    .where(and(eq(messageReactions.messageId, key.messageId), eq(messageReactions.userId, key.userId)));
  if (mine.length >= limits.reactionsPerUserPerMessage && !mine.some((r) => r.emoji === key.emoji)) {
    throw conflict(`at most ${limits.reactionsPerUserPerMessage} different reactions per message`);
  }
}

export interface ReactionInput {
  roomId: string;
  messageId: string;
  emoji: string;
}

/**
 * Adds (`on`) or takes back the caller's reaction. Idempotent: only a change records an event
 * (`reaction.added` / `reaction.removed`, with the room's next seq, same transaction). The row's key
 * (message, user, emoji) and the room lock make concurrent toggles from any instances agree: one of
 * two identical adds inserts, the other finds the row and records nothing.
 */
export async function setReaction(ctx: AppContext, caller: Caller, input: ReactionInput, on: boolean) {
  await loadRoomForMember(ctx.db, caller.userId, input.roomId);
  const frame = await ctx.db.transaction(async (tx): Promise<RoomEventFrame | null> => {
    await lockRoom(tx, input.roomId);
    await loadRoomForMember(tx, caller.userId, input.roomId);
    const { message } = await lockMessageInRoom(tx, input.roomId, input.messageId);
    if (message.deletedAt) {
      if (!on) return null;
      throw conflict('the message was deleted');
    }
    const key = { messageId: message.id, userId: caller.userId, emoji: input.emoji };
    if (on) await refuseBeyondLimit(tx, key);
    const changed = on
      ? await tx.insert(messageReactions).values(key).onConflictDoNothing().returning()
      : await tx
          .delete(messageReactions)
          .where(
            and(
              eq(messageReactions.messageId, key.messageId),
              eq(messageReactions.userId, key.userId),
              eq(messageReactions.emoji, key.emoji),
            ),
          )
          .returning();
    if (changed.length === 0) return null;
    const type = on ? 'reaction.added' : 'reaction.removed';
    const seq = await reserveSeq(tx, input.roomId);
    await recordRoomEvent(tx, { roomId: input.roomId, seq, type, ...key });
    return { type, roomId: input.roomId, seq, ...key };
  });
  if (frame) await publishRoomEvents(ctx, [frame]);
}
