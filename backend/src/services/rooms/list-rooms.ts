import { and, asc, desc, eq, inArray, isNull, notExists, sql } from 'drizzle-orm';
import type { MyRoom, Room } from '@messaging-app/shared';
import { messages, roomParticipants, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toMessage, toRoom } from '../presenters.js';

const discoverLimit = 50;

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
      )`,
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
          .where(and(inArray(messages.roomId, roomIds), isNull(messages.deletedAt)))
          .orderBy(messages.roomId, desc(messages.seq));
  const lastByRoom = new Map(latest.map((l) => [l.message.roomId, toMessage(l.message, l.sender)]));
  return rows.map((r) => ({
    ...toRoom(r.room, { memberCount: Number(r.memberCount) }),
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
