import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { parseMentions } from '@messaging-app/shared';
import type { Message, RoomEventFrame } from '@messaging-app/shared';
import { messages, roomParticipants, users } from '../../db/schema.js';
import type { Tx } from '../../db/client.js';
import { sqlState, uniqueViolation } from '../../db/errors.js';
import type { AppContext } from '../context.js';
import { toMessage } from '../presenters.js';
import { loadRoomForMember } from '../rooms/access.js';
import { lockRoom, recordRoomEvent, reserveSeq } from '../rooms/events.js';
import { publishRoomEvents } from '../rooms/publish.js';
import { notifyMention, publishNotifications } from '../notifications/create.js';
import type { Addressed } from '../notifications/create.js';
import { metrics } from '../../metrics/metrics.js';
import { liveSessions, sessionRevoked } from '../auth/sessions.js';
import { countReply, followersOf, threadRoot } from '../threads/reply.js';
import { refuseBlockedDm, rootUpdatedFrame } from '../threads/frames.js';

export interface SendMessageInput {
  userId: string;
  roomId: string;
  body: string;
  clientMsgId?: string | undefined;
  /** The root message's id: the message is a reply in that thread. */
  threadId?: string | undefined;
  /** A reply shown in the room's timeline too. */
  alsoToRoom?: boolean | undefined;
  /**
   * The sender's session, checked in the send's transaction: a send from a session revoked a
   * moment ago (a logout whose socket close was lost) is refused. Absent for internal callers.
   */
  sessionId?: string | undefined;
}

export interface SendResult {
  message: Message;
  /** False when a retry found the message its first attempt created. */
  created: boolean;
}

async function findByClientMsgId(ctx: AppContext, input: SendMessageInput): Promise<Message | null> {
  if (!input.clientMsgId) return null;
  const [row] = await ctx.db
    .select({ message: messages, sender: users })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(
      and(
        eq(messages.roomId, input.roomId),
        eq(messages.senderId, input.userId),
        eq(messages.clientMsgId, input.clientMsgId),
      ),
    )
    .limit(1);
  return row ? toMessage(row.message, row.sender) : null;
}

/** Members of the room named by `@username` in the body, except the sender. */
export async function mentionedMembers(
  tx: Tx,
  roomId: string,
  senderId: string,
  body: string,
): Promise<string[]> {
  const names = parseMentions(body);
  if (names.length === 0) return [];
  const rows = await tx
    .select({ id: users.id })
    .from(roomParticipants)
    .innerJoin(users, eq(users.id, roomParticipants.userId))
    .where(
      and(
        eq(roomParticipants.roomId, roomId),
        ne(users.id, senderId),
        inArray(sql`lower(${users.username})`, names),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Posts a message: persisted with the next seq of its room, mentions notified in the same
 * transaction, then fanned out. A retry with the same clientMsgId, to any instance, returns the
 * original message; the unique constraint, not a cache, decides.
 */
export async function sendMessage(ctx: AppContext, input: SendMessageInput): Promise<SendResult> {
  await loadRoomForMember(ctx.db, input.userId, input.roomId);
  const earlier = await findByClientMsgId(ctx, input);
  if (earlier) {
    if (input.sessionId && !(await liveSessions(ctx.db, [input.sessionId])).has(input.sessionId)) {
      throw sessionRevoked();
    }
    return { message: earlier, created: false };
  }
  let mentions: Addressed[] = [];
  let message: Message;
  let rootFrame: RoomEventFrame | null = null;
  try {
    message = await ctx.db.transaction(async (tx) => {
      // Membership is checked again under the room's row lock, which kicks and leaves take too: a
      // member removed a moment ago may not post, and one removed later gets their member.left after this.
      await lockRoom(tx, input.roomId);
      const { room } = await loadRoomForMember(tx, input.userId, input.roomId);
      await refuseBlockedDm(tx, room, input.userId);
      const root = input.threadId ? await threadRoot(tx, input.roomId, input.threadId) : null;
      if (input.sessionId && !(await liveSessions(tx, [input.sessionId])).has(input.sessionId)) {
        throw sessionRevoked();
      }
      const [sender] = await tx.select().from(users).where(eq(users.id, input.userId)).limit(1);
      if (!sender) throw new Error('sender vanished');
      const seq = await reserveSeq(tx, input.roomId);
      const [row] = await tx
        .insert(messages)
        .values({
          roomId: input.roomId,
          senderId: input.userId,
          body: input.body,
          clientMsgId: input.clientMsgId,
          seq,
          threadId: root?.id,
          alsoToRoom: root ? (input.alsoToRoom ?? false) : false,
        })
        .returning();
      if (!row) throw new Error('message insert returned nothing');
      await recordRoomEvent(tx, { roomId: input.roomId, seq, type: 'message.new', messageId: row.id });
      if (root) {
        const counted = await countReply(tx, root, row);
        rootFrame = await rootUpdatedFrame(tx, counted.root, counted.seq);
      }
      const followers = await followersOf(tx, input.roomId, input.userId, { dm: room.kind === 'dm', root });
      const mentioned = await mentionedMembers(tx, input.roomId, input.userId, input.body);
      const recipients = [...new Set([...mentioned, ...followers])];
      mentions = await notifyMention(tx, recipients, {
        roomId: input.roomId,
        messageId: row.id,
        actorId: input.userId,
        body: input.body,
        seq,
      });
      return toMessage(row, sender);
    });
  } catch (error) {
    if (sqlState(error) === uniqueViolation && input.clientMsgId) {
      const original = await findByClientMsgId(ctx, input);
      if (original) return { message: original, created: false };
    }
    throw error;
  }
  metrics.messagesSent.inc();
  await publishRoomEvents(ctx, [
    { type: 'message.new', roomId: message.roomId, seq: message.seq, message },
    ...(rootFrame ? [rootFrame] : []),
  ]);
  await publishNotifications(ctx, mentions);
  return { message, created: true };
}
