import { and, asc, desc, eq, inArray, isNull, notExists, sql } from 'drizzle-orm';
import type { MyRoom, Room } from '@messaging-app/shared';
import { messages, roomParticipants, rooms, threadReads, users } from '../../db/schema.js';
import { dmMembersOf } from '../dms/members.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toMessage, toRoom } from '../presenters.js';

const discoverLimit = 50;

/** Messages of the room's timeline: not thread replies, unless also sent to the room. */
const inTimeline = sql`(${messages.threadId} is null or ${messages.alsoToRoom})`;

/**
 * Threads of the room the member follows (wrote the root or replied) with replies by others past
 * their read marker of that thread.
 */
function unreadThreadsOf() {
  return sql<number>`(
    select count(*)::int from ${messages} r
    where r.room_id = ${rooms.id} and r.reply_count > 0
      and (r.sender_id = ${roomParticipants.userId} or ${roomParticipants.userId} = any(r.thread_participant_ids))
      and exists (
        select 1 from ${messages} x
        where x.thread_id = r.id and x.sender_id <> ${roomParticipants.userId}
          and x.seq > coalesce((
            select tr.last_read_seq from ${threadReads} tr
            where tr.message_id = r.id and tr.user_id = ${roomParticipants.userId}
          ), 0)
      )
  )`;
}

/** The caller's rooms with their unread counts and newest message, most recently active first. */
export async function listMyRooms(ctx: AppContext, caller: Caller): Promise<MyRoom[]> {
  const rows = await ctx.db
    .select({
      room: rooms,
      role: roomParticipants.role,
      lastReadSeq: roomParticipants.lastReadSeq,
      unread: sql<number>`(
        select count(*)::int from ${messages} m
        where m.room_id = ${rooms.id} and m.seq > ${roomParticipants.lastReadSeq}
          and m.sender_id <> ${roomParticipants.userId} and m.deleted_at is null
          and (m.thread_id is null or m.also_to_room)
      )`,
      unreadThreads: unreadThreadsOf(),
      memberCount: sql<number>`(select count(*)::int from ${roomParticipants} rp where rp.room_id = ${rooms.id})`,
    })
    .from(roomParticipants)
    .innerJoin(rooms, eq(rooms.id, roomParticipants.roomId))
    .where(eq(roomParticipants.userId, caller.userId))
    .orderBy(desc(rooms.lastSeq), asc(rooms.name));
  const roomIds = rows.map((r) => r.room.id);
  const latest =
    roomIds.length === 0
      ? []
      : await ctx.db
          .selectDistinctOn([messages.roomId], { message: messages, sender: users })
          .from(messages)
          .innerJoin(users, eq(users.id, messages.senderId))
          .where(and(inArray(messages.roomId, roomIds), isNull(messages.deletedAt), inTimeline))
          .orderBy(messages.roomId, desc(messages.seq));
  const lastByRoom = new Map(latest.map((l) => [l.message.roomId, toMessage(l.message, l.sender)]));
  const dmIds = rows.filter((r) => r.room.kind === 'dm').map((r) => r.room.id);
  const dmMembers = await dmMembersOf(ctx.db, dmIds, caller.userId);
  return rows.map((r) => ({
    ...toRoom(r.room, { memberCount: Number(r.memberCount), dmMembers: dmMembers.get(r.room.id) }),
    unreadThreads: Number(r.unreadThreads),
    role: r.role,
    lastReadSeq: r.lastReadSeq,
    unreadCount: Number(r.unread),
    lastMessage: lastByRoom.get(r.room.id) ?? null,
  }));
}

/** Public rooms the caller has not joined, optionally filtered by a name fragment. */
export async function discoverRooms(ctx: AppContext, caller: Caller, q?: string): Promise<Room[]> {
  const conditions = [
    eq(rooms.visibility, 'public'),
    notExists(
      ctx.db
        .select({ one: sql`1` })
        .from(roomParticipants)
        .where(and(eq(roomParticipants.roomId, rooms.id), eq(roomParticipants.userId, caller.userId))),
    ),
  ];
  if (q) {
    const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`lower(${rooms.name}) like ${pattern}`);
  }
  const rows = await ctx.db
    .select({
      room: rooms,
      memberCount: sql<number>`(select count(*)::int from ${roomParticipants} rp where rp.room_id = ${rooms.id})`,
    })
    .from(rooms)
    .where(and(...conditions))
    .orderBy(sql`lower(${rooms.name})`, asc(rooms.id))
    .limit(discoverLimit);
  return rows.map((r) => toRoom(r.room, { memberCount: Number(r.memberCount), role: null }));
}
