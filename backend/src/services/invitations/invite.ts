import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Invitation, Membership } from '@messaging-app/shared';
import type { Queryable, Tx } from '../../db/client.js';
import { roomInvitations, roomParticipants, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import { createNotifications, preview, publishNotifications } from '../notifications/create.js';
import type { Addressed } from '../notifications/create.js';
import { loadRoomForMember } from '../rooms/access.js';
import type { RoomRow } from '../rooms/access.js';
import { addParticipant } from '../rooms/membership.js';
import { banned, isBanned } from '../rooms/ban-check.js';
import { hasBlocked } from '../blocks/blocks.js';
import { presentInvitation } from './present.js';
import type { InvitationRow } from './present.js';

export type AddOutcome =
  { status: 'added'; membership: Membership } | { status: 'invited'; invitation: Invitation };

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const other = alias(roomParticipants, 'other');

/** Whether two people are members of at least one common room: consent to being added is assumed. */
export async function shareARoom(q: Queryable, a: string, b: string): Promise<boolean> {
  const [row] = await q
    .select({ roomId: roomParticipants.roomId })
    .from(roomParticipants)
    .innerJoin(other, and(eq(other.roomId, roomParticipants.roomId), eq(other.userId, b)))
    .where(eq(roomParticipants.userId, a))
    .limit(1);
  return row !== undefined;
}

/**
 * An owner or admin adds someone: people who share a room with the adder are added at once (201);
 * anyone else gets an invitation to accept or decline (202). A banned user is refused (403
 * `banned`). An adder the target blocked gets an invitation that the target never sees, so the
 * answer does not tell them about the block.
 */
export async function addOrInvite(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
): Promise<AddOutcome> {
  const { room, membership } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  if (membership.role === 'member') throw forbidden('only a room owner or admin may add people');
  const [target] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!target) throw notFound('user');
  const [member] = await ctx.db
    .select({ userId: roomParticipants.userId })
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  if (member) throw conflict('already a member of this room', 'already_member');
  if (await isBanned(ctx.db, roomId, userId)) {
    throw banned('this user is banned from the room: lift the ban first');
  }
  const blocked = await hasBlocked(ctx.db, userId, caller.userId);
  if (!blocked && (await shareARoom(ctx.db, caller.userId, userId))) {
    return { status: 'added', membership: await addParticipant(ctx, caller, roomId, userId) };
  }
  const invitation = await inviteToRoom(ctx, caller, room, userId, blocked);
  return { status: 'invited', invitation };
}

function rateLimited(oldest: Date, windowMs: number, message: string): AppError {
  const seconds = Math.max(1, Math.ceil((oldest.getTime() + windowMs - Date.now()) / 1000));
  return new AppError(429, 'rate_limited', message, { 'retry-after': String(seconds) });
}

/**
 * Refuses an invitation past the inviter's budgets: so many per hour overall, and so many per day to
 * one person (25 spam rooms reach a target at most that many times). Runs under the inviter's lock.
 */
async function checkInvitationBudget(ctx: AppContext, tx: Tx, inviterId: string, inviteeId: string) {
  const { invitationsPerHour, invitationsPerInviteePerDay } = ctx.config.limits;
  const since = (ms: number) => new Date(Date.now() - ms);
  const recent = await tx
    .select({ createdAt: roomInvitations.createdAt })
    .from(roomInvitations)
    .where(and(eq(roomInvitations.inviterId, inviterId), gt(roomInvitations.createdAt, since(hourMs))))
    .orderBy(asc(roomInvitations.createdAt))
    .limit(invitationsPerHour);
  const [oldestRecent] = recent;
  if (recent.length >= invitationsPerHour && oldestRecent) {
    throw rateLimited(oldestRecent.createdAt, hourMs, `at most ${invitationsPerHour} invitations an hour`);
  }
  const toInvitee = await tx
    .select({ createdAt: roomInvitations.createdAt })
    .from(roomInvitations)
    .where(
      and(
        eq(roomInvitations.inviterId, inviterId),
        eq(roomInvitations.inviteeId, inviteeId),
        gt(roomInvitations.createdAt, since(dayMs)),
      ),
    )
    .orderBy(asc(roomInvitations.createdAt))
    .limit(invitationsPerInviteePerDay);
  const [oldestToInvitee] = toInvitee;
  if (toInvitee.length >= invitationsPerInviteePerDay && oldestToInvitee) {
    throw rateLimited(
      oldestToInvitee.createdAt,
      dayMs,
      `at most ${invitationsPerInviteePerDay} invitations a day to the same person`,
    );
  }
}

/**
 * Creates (or answers again) the pending invitation of a user to a room, with its `room_invite`
 * notification unless it is suppressed. One row per room and invitee: a repeated add returns the
 * pending row unchanged; an add after a decline renews the row and counts as a new invitation.
 */
async function inviteToRoom(
  ctx: AppContext,
  caller: Caller,
  room: RoomRow,
  inviteeId: string,
  suppressed: boolean,
): Promise<Invitation> {
  let notified: Addressed[] = [];
  const id = await ctx.db.transaction(async (tx) => {
    // One inviter at a time: concurrent adds cannot both pass the budget check.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`invite:${caller.userId}`}))`);
    const [existing] = await tx
      .select()
      .from(roomInvitations)
      .where(and(eq(roomInvitations.roomId, room.id), eq(roomInvitations.inviteeId, inviteeId)))
      .for('update');
    // Idempotent: the same pending invitation, unless a visible one now replaces a suppressed one.
    if (existing?.status === 'pending' && (suppressed || !existing.suppressed)) return existing.id;
    await checkInvitationBudget(ctx, tx, caller.userId, inviteeId);
    const values = {
      roomId: room.id,
      inviterId: caller.userId,
      inviteeId,
      status: 'pending' as const,
      suppressed,
      createdAt: new Date(),
      respondedAt: null,
    };
    const [row]: InvitationRow[] = await tx
      .insert(roomInvitations)
      .values(values)
      .onConflictDoUpdate({ target: [roomInvitations.roomId, roomInvitations.inviteeId], set: values })
      .returning();
    if (!row) throw new Error('the invitation upsert returned no row');
    if (!suppressed) {
      notified = await createNotifications(tx, [
        {
          userId: inviteeId,
          type: 'room_invite',
          roomId: room.id,
          actorId: caller.userId,
          invitationId: row.id,
          preview: preview(`Invitation to join ${room.name}: accept or decline it`),
        },
      ]);
    }
    return row.id;
  });
  await publishNotifications(ctx, notified);
  return presentInvitation(ctx.db, id);
}
