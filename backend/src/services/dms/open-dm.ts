import { eq, inArray } from 'drizzle-orm';
import type { Room } from '@messaging-app/shared';
import { roomParticipants, rooms, users } from '../../db/schema.js';
import { sqlState, uniqueViolation } from '../../db/errors.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { forbidden, invalidField, notFound } from '../errors.js';
import { toRoom } from '../presenters.js';
import { blockedByAny, dmMembersOf } from './members.js';

/** One set of people, one key: sorted ids joined by commas (a UUID contains no comma). */
export const dmKeyOf = (userIds: string[]) => [...userIds].sort().join(',');

type RoomRow = typeof rooms.$inferSelect;

async function present(ctx: AppContext, room: RoomRow, callerId: string): Promise<Room> {
  const members = await dmMembersOf(ctx.db, [room.id], callerId);
  const dmMembers = members.get(room.id) ?? [];
  return toRoom(room, { role: 'member', memberCount: dmMembers.length + 1, dmMembers });
}

async function findByKey(ctx: AppContext, key: string): Promise<RoomRow | undefined> {
  const [room] = await ctx.db.select().from(rooms).where(eq(rooms.dmKey, key)).limit(1);
  return room;
}

/**
 * Opens the direct conversation of the caller and `userIds`: the existing one when these people
 * already have one, else a new private room of kind `dm` with all of them as plain members. The
 * unique `dm_key` decides between concurrent opens on any instance: the loser reads the winner's room.
 */
export async function openDm(
  ctx: AppContext,
  caller: Caller,
  userIds: string[],
): Promise<{ room: Room; created: boolean }> {
  const others = [...new Set(userIds)].filter((id) => id !== caller.userId);
  if (others.length === 0) throw invalidField('userIds', 'Name at least one person other than yourself.');
  const found = await ctx.db.select({ id: users.id }).from(users).where(inArray(users.id, others));
  if (found.length !== others.length) throw notFound('user');
  // Refused rather than hidden: a conversation nobody on the other side can read helps no one.
  if (await blockedByAny(ctx.db, caller.userId, others)) {
    throw forbidden('you cannot message one of these people');
  }
  const key = dmKeyOf([caller.userId, ...others]);
  const existing = await findByKey(ctx, key);
  if (existing) return { room: await present(ctx, existing, caller.userId), created: false };
  try {
    const room = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(rooms)
        .values({ name: '', visibility: 'private', kind: 'dm', dmKey: key, createdBy: caller.userId })
        .returning();
      if (!row) throw new Error('room insert returned nothing');
      await tx
        .insert(roomParticipants)
        .values(
          [caller.userId, ...others].map((userId) => ({ roomId: row.id, userId, role: 'member' as const })),
        );
      return row;
    });
    return { room: await present(ctx, room, caller.userId), created: true };
  } catch (error) {
    if (sqlState(error) !== uniqueViolation) throw error;
    const winner = await findByKey(ctx, key);
    if (!winner) throw error;
    return { room: await present(ctx, winner, caller.userId), created: false };
  }
}
