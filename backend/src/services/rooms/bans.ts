import { and, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Ban } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { roomBans, roomInvitations, roomParticipants, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { iso, toUser } from '../presenters.js';
import { loadRoomForRole } from './access.js';
import { lockRoom } from './events.js';
import { removeParticipant } from './membership.js';

const bannedBy = alias(users, 'banned_by_user');

async function presentBans(q: Queryable, roomId: string, userId?: string): Promise<Ban[]> {
  const rows = await q
    .select({ ban: roomBans, user: users, by: bannedBy })
    .from(roomBans)
    .innerJoin(users, eq(users.id, roomBans.userId))
    .leftJoin(bannedBy, eq(bannedBy.id, roomBans.bannedBy))
    .where(
      userId === undefined
        ? eq(roomBans.roomId, roomId)
        : and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId)),
    )
    .orderBy(desc(roomBans.createdAt));
  return rows.map((r) => ({
    roomId: r.ban.roomId,
    user: toUser(r.user),
    bannedBy: r.by ? toUser(r.by) : null,
    createdAt: iso(r.ban.createdAt),
  }));
}

/**
 * Bans a user from a room and removes them if they are in it (one `member.left`, through the
 * ordinary removal). The owner bans anyone else; an admin bans plain members and outsiders.
 * Idempotent: `created` is false when the ban already stood.
 */
export async function banUser(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
): Promise<{ ban: Ban; created: boolean }> {
  const { membership } = await loadRoomForRole(ctx.db, caller.userId, roomId, 'admin');
  if (userId === caller.userId) throw badRequest('you cannot ban yourself');
  const [target] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!target) throw notFound('user');
  const [targetMembership] = await ctx.db
    .select({ role: roomParticipants.role })
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  if (targetMembership && targetMembership.role !== 'member' && membership.role !== 'owner') {
    throw forbidden('only the room owner may ban an admin');
  }
  const created = await ctx.db.transaction(async (tx) => {
    // The room row lock is the one every join takes to append its event: a join either commits
    // before the ban (and is removed below) or waits and then sees the ban.
    await lockRoom(tx, roomId);
    const inserted = await tx
      .insert(roomBans)
      .values({ roomId, userId, bannedBy: caller.userId })
      .onConflictDoNothing()
      .returning();
    await tx
      .update(roomInvitations)
      .set({ status: 'declined', respondedAt: new Date() })
      .where(
        and(
          eq(roomInvitations.roomId, roomId),
          eq(roomInvitations.inviteeId, userId),
          eq(roomInvitations.status, 'pending'),
        ),
      );
    return inserted.length > 0;
  });
  const [stillMember] = await ctx.db
    .select({ userId: roomParticipants.userId })
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  if (stillMember) await removeParticipant(ctx, caller, roomId, userId);
  const [ban] = await presentBans(ctx.db, roomId, userId);
  if (!ban) throw notFound('ban');
  return { ban, created };
}

/** Lifts a ban; idempotent. The user may then join, or be added or invited, again. */
export async function unbanUser(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
): Promise<void> {
  await loadRoomForRole(ctx.db, caller.userId, roomId, 'admin');
  await ctx.db.delete(roomBans).where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId)));
}

/** The room's ban list, newest first: owners and admins only. */
export async function listBans(ctx: AppContext, caller: Caller, roomId: string): Promise<Ban[]> {
  await loadRoomForRole(ctx.db, caller.userId, roomId, 'admin');
  return presentBans(ctx.db, roomId);
}
