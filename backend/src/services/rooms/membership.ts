import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Membership, Participant } from '@messaging-app/shared';
import { roomParticipants, users } from '../../db/schema.js';
import type { Tx } from '../../db/client.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { iso, toUser } from '../presenters.js';
import { createNotifications, publishNotifications } from '../notifications/create.js';
import type { Addressed } from '../notifications/create.js';
import { loadRoomForMember, loadRoomForViewer } from './access.js';
import type { MembershipRow } from './access.js';
import { appendRoomEvent, lockRoom } from './events.js';
import { forgetMembership } from '../../cache/caches.js';
import { memberEventFrame, publishRoomEvents } from './publish.js';
import { assertNotBanned } from './ban-check.js';
import { refuseForDm } from '../dms/guard.js';

export async function presentMembership(ctx: AppContext, row: MembershipRow): Promise<Membership> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, row.userId)).limit(1);
  if (!user) throw notFound('user');
  return {
    roomId: row.roomId,
    user: toUser(user),
    role: row.role,
    joinedAt: iso(row.joinedAt),
    lastReadSeq: row.lastReadSeq,
  };
}

/** Inserts a membership and its `member.joined` event in the caller's transaction. */
export async function addMember(
  tx: Tx,
  roomId: string,
  userId: string,
  actorId?: string,
): Promise<{ row: MembershipRow; seq: number }> {
  const [row] = await tx
    .insert(roomParticipants)
    .values({ roomId, userId, role: 'member' })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict('already a member of this room', 'already_member');
  const seq = await appendRoomEvent(tx, roomId, 'member.joined', actorId ? { userId, actorId } : { userId });
  // Asked under the room row lock the event took, which a ban takes too: no join slips past a ban.
  await assertNotBanned(tx, roomId, userId);
  // A newcomer starts with the history read, so it is not flooded with unread counts.
  const [marked] = await tx
    .update(roomParticipants)
    .set({ lastReadSeq: seq })
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .returning();
  return { row: marked ?? row, seq };
}

/** Joins a public room. Joining a room one already belongs to returns the membership unchanged. */
export async function joinRoom(ctx: AppContext, caller: Caller, roomId: string): Promise<Membership> {
  const view = await loadRoomForViewer(ctx.db, caller.userId, roomId);
  if (view.membership) {
    // The gate's row may come from the membership cache, whose read marker can lag: answer a fresh one.
    const [fresh] = await ctx.db
      .select()
      .from(roomParticipants)
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, caller.userId)))
      .limit(1);
    return presentMembership(ctx, fresh ?? view.membership);
  }
  if (view.room.visibility !== 'public') throw notFound('room');
  const { row, frame } = await ctx.db.transaction(async (tx) => {
    const added = await addMember(tx, roomId, caller.userId);
    return {
      row: added.row,
      frame: await memberEventFrame(tx, 'member.joined', roomId, added.seq, caller.userId),
    };
  });
  await forgetMembership(ctx.db, roomId, caller.userId);
  await publishRoomEvents(ctx, [frame]);
  return presentMembership(ctx, row);
}

/**
 * Ends a membership with its `member.left` event. When the owner goes, the longest-standing
 * admin (else member) inherits the room, so a room never loses its last owner while it has members.
 *
 * The room's row lock (the one that hands out seqs) is taken first, so removals and the member's own
 * sends of one room are ordered by it: a send either commits before the `member.left` or finds no
 * membership. Only the transaction whose delete returned the row appends the event, so concurrent
 * leaves and kicks of one membership record exactly one `member.left`; the others find nothing to end.
 */
async function endMembership(
  ctx: AppContext,
  roomId: string,
  userId: string,
  actorId?: string,
): Promise<void> {
  let heirId: string | undefined;
  const frame = await ctx.db.transaction(async (tx) => {
    await lockRoom(tx, roomId);
    const [ended] = await tx
      .delete(roomParticipants)
      .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
      .returning();
    if (!ended) return null;
    if (ended.role === 'owner') {
      const [heir] = await tx
        .select()
        .from(roomParticipants)
        .where(and(eq(roomParticipants.roomId, roomId), ne(roomParticipants.userId, userId)))
        .orderBy(
          sql`case ${roomParticipants.role} when 'owner' then 0 when 'admin' then 1 else 2 end`,
          asc(roomParticipants.joinedAt),
        )
        .limit(1);
      if (heir && heir.role !== 'owner') {
        heirId = heir.userId;
        await tx
          .update(roomParticipants)
          .set({ role: 'owner' })
          .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, heir.userId)));
      }
    }
    const detail = actorId ? { actorId } : {};
    const seq = await appendRoomEvent(tx, roomId, 'member.left', { userId, ...detail });
    return memberEventFrame(tx, 'member.left', roomId, seq, userId, detail);
  });
  // Before answering: the removed member is refused on the very next request, on any instance.
  await forgetMembership(ctx.db, roomId, userId);
  // Someone else ended it a moment ago: the same answer as asking after they did.
  if (!frame) throw notFound('member');
  if (heirId) await forgetMembership(ctx.db, roomId, heirId);
  await ctx.bus.publish({ kind: 'membership.ended', roomId, userId });
  await publishRoomEvents(ctx, [frame]);
}

export async function leaveRoom(ctx: AppContext, caller: Caller, roomId: string): Promise<void> {
  const { room } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  refuseForDm(room, 'leaving');
  await endMembership(ctx, roomId, caller.userId);
}

/** Owners and admins add people; adding someone to a private room invites them with a notification. */
export async function addParticipant(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
): Promise<Membership> {
  const { room, membership } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  if (membership.role === 'member') throw forbidden('only a room owner or admin may add people');
  const [target] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!target) throw notFound('user');
  let invites: Addressed[] = [];
  const { row, frame } = await ctx.db.transaction(async (tx) => {
    const added = await addMember(tx, roomId, userId, caller.userId);
    if (room.visibility === 'private') {
      invites = await createNotifications(tx, [
        {
          userId,
          type: 'room_invite',
          roomId,
          actorId: caller.userId,
          preview: `You were added to ${room.name}`,
        },
      ]);
    }
    return {
      row: added.row,
      frame: await memberEventFrame(tx, 'member.joined', roomId, added.seq, userId, {
        actorId: caller.userId,
      }),
    };
  });
  await forgetMembership(ctx.db, roomId, userId);
  await publishRoomEvents(ctx, [frame]);
  await publishNotifications(ctx, invites);
  return presentMembership(ctx, row);
}

/**
 * Removes a member: anyone may remove themself; the owner may remove anyone; an admin may remove
 * plain members only.
 */
export async function removeParticipant(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
  userId: string,
): Promise<void> {
  const { room, membership } = await loadRoomForMember(ctx.db, caller.userId, roomId);
  refuseForDm(room, 'removing someone');
  if (userId === caller.userId) return endMembership(ctx, roomId, userId);
  const [target] = await ctx.db
    .select()
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  const allowed =
    membership.role === 'owner' ||
    (membership.role === 'admin' && target !== undefined && target.role === 'member');
  if (!allowed) throw forbidden('only a room owner or admin may remove members');
  if (!target) throw notFound('member');
  await endMembership(ctx, roomId, userId, caller.userId);
}

/** The room's members with their online status. */
export async function listParticipants(
  ctx: AppContext,
  caller: Caller,
  roomId: string,
): Promise<Participant[]> {
  await loadRoomForMember(ctx.db, caller.userId, roomId);
  const rows = await ctx.db
    .select({ membership: roomParticipants, user: users })
    .from(roomParticipants)
    .innerJoin(users, eq(users.id, roomParticipants.userId))
    .where(eq(roomParticipants.roomId, roomId))
    .orderBy(asc(roomParticipants.joinedAt), asc(users.username));
  const online = await ctx.presence.online(rows.map((r) => r.user.id));
  return rows.map((r) => ({
    user: toUser(r.user),
    role: r.membership.role,
    joinedAt: iso(r.membership.joinedAt),
    online: online.has(r.user.id),
  }));
}
