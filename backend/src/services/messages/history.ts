import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { HistoryQuery, MessagePage, RoomEventFrame } from '@messaging-app/shared';
import { messages, roomEvents, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toMessage, toUser } from '../presenters.js';
import { roomUpdatedFrame } from '../rooms/room-updated.js';
import { loadRoomForMember } from '../rooms/access.js';
import { reactionsOf, withReactions } from './reactions-of.js';
import { actorsOf, inRoomTimeline } from './timeline.js';
import { membershipEvents, toMemberEvent } from './membership-events.js';

/**
 * A page of a room's timeline in ascending seq: its messages and its membership changes, `limit` items
 * in all. The newest page by default, older ones with `before`, newer ones with `after`. `hasMore` says
 * whether the page stopped short in its direction.
 */
export async function listMessages(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  query: HistoryQuery,
): Promise<MessagePage> {
  await loadRoomForMember(ctx.db, caller.userId, roomId);
  const forward = query.after !== undefined;
  const where = [eq(messages.roomId, roomId), inRoomTimeline];
  if (query.before !== undefined) where.push(lt(messages.seq, query.before));
  if (query.after !== undefined) where.push(gt(messages.seq, query.after));
  // Each list holds at most limit + 1 rows, so their merge holds the page and tells whether more follow.
  const [rows, events] = await Promise.all([
    ctx.db
      .select({ message: messages, sender: users })
      .from(messages)
      .innerJoin(users, eq(users.id, messages.senderId))
      .where(and(...where))
      .orderBy(forward ? asc(messages.seq) : desc(messages.seq))
      .limit(query.limit + 1),
    membershipEvents(ctx, roomId, query),
  ]);
  const page = [
    ...rows.map((r) => ({ seq: r.message.seq, message: r })),
    ...events.map((e) => ({ seq: e.seq, event: e })),
  ].sort((x, y) => (forward ? x.seq - y.seq : y.seq - x.seq));
  const hasMore = page.length > query.limit;
  const kept = page.slice(0, query.limit);
  if (!forward) kept.reverse();
  return {
    messages: await withReactions(
      ctx.db,
      kept.flatMap((item) =>
        'message' in item ? [toMessage(item.message.message, item.message.sender)] : [],
      ),
    ),
    events: kept.flatMap((item) => ('event' in item ? [item.event] : [])),
    hasMore,
  };
}

async function currentRoom(ctx: AppContext, roomId: string): Promise<typeof rooms.$inferSelect> {
  const [room] = await ctx.db.select().from(rooms).where(eq(rooms.id, roomId)).limit(1);
  if (!room) throw new Error(`room ${roomId} vanished during a replay`);
  return room;
}

/**
 * The stored events of a room after `afterSeq`, in order, as frames with the current state of their
 * message or user. The caller has already passed the room gate.
 */
export async function eventsAfter(
  ctx: AppContext,
  roomId: string,
  afterSeq: number,
  limit: number,
): Promise<RoomEventFrame[]> {
  const rows = await ctx.db
    .select({ event: roomEvents, message: messages, subject: users })
    .from(roomEvents)
    .leftJoin(messages, eq(messages.id, roomEvents.messageId))
    .leftJoin(users, sql`${users.id} = coalesce(${roomEvents.userId}, ${messages.senderId})`)
    .where(and(eq(roomEvents.roomId, roomId), gt(roomEvents.seq, afterSeq)))
    .orderBy(asc(roomEvents.seq))
    .limit(limit);
  const actors = await actorsOf(
    ctx,
    rows.map((r) => r.event),
  );
  const frames: RoomEventFrame[] = [];
  let room: typeof rooms.$inferSelect | undefined;
  for (const { event, message, subject } of rows) {
    // Events are never deleted on their own (messages are soft-deleted), so every seq has its row.
    if (!subject) throw new Error(`event ${roomId}#${event.seq} lost its user`);
    if (event.type === 'member.joined' || event.type === 'member.left' || event.type === 'member.updated') {
      frames.push(toMemberEvent(event.type, event, subject, actors));
    } else if (event.type === 'room.updated') {
      room ??= await currentRoom(ctx, roomId);
      frames.push(roomUpdatedFrame(room, event.seq, toUser(subject)));
    } else if (event.type === 'reaction.added' || event.type === 'reaction.removed') {
      if (!event.messageId || !event.emoji) throw new Error(`event ${roomId}#${event.seq} lost its reaction`);
      frames.push({
        type: event.type,
        roomId,
        seq: event.seq,
        messageId: event.messageId,
        emoji: event.emoji,
        userId: subject.id,
      });
    } else {
      if (!message) throw new Error(`event ${roomId}#${event.seq} lost its message`);
      frames.push({ type: event.type, roomId, seq: event.seq, message: toMessage(message, subject) });
    }
  }
  return attachReactions(ctx, frames);
}

/** The message frames of a replay show their message's current reactions, like history does. */
async function attachReactions(ctx: AppContext, frames: RoomEventFrame[]): Promise<RoomEventFrame[]> {
  const ids = frames.flatMap((f) => ('message' in f && !f.message.deletedAt ? [f.message.id] : []));
  if (ids.length === 0) return frames;
  const byMessage = await reactionsOf(ctx.db, ids);
  return frames.map((f) =>
    'message' in f ? { ...f, message: { ...f.message, reactions: byMessage.get(f.message.id) ?? [] } } : f,
  );
}
