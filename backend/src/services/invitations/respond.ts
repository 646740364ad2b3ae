import { and, eq, isNull } from 'drizzle-orm';
import type { Membership } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { notifications, roomInvitations, roomParticipants } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { conflict, notFound } from '../errors.js';
import { forgetMembership } from '../../cache/caches.js';
import { addMember, presentMembership } from '../rooms/membership.js';
import { memberEventFrame, publishRoomEvents } from '../rooms/publish.js';
import type { InvitationRow } from './present.js';

/** The caller's own invitation; anyone else's, and a suppressed one, does not exist (404). */
async function loadInvitationForInvitee(q: Queryable, userId: string, id: string): Promise<InvitationRow> {
  const [row] = await q
    .select()
    .from(roomInvitations)
    .where(
      and(
        eq(roomInvitations.id, id),
        eq(roomInvitations.inviteeId, userId),
        eq(roomInvitations.suppressed, false),
      ),
    )
    .limit(1);
  if (!row) throw notFound('invitation');
  return row;
}

async function membershipOf(q: Queryable, roomId: string, userId: string) {
  const [row] = await q
    .select()
    .from(roomParticipants)
    .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
    .limit(1);
  return row;
}

const readNow = (tx: Queryable, invitationId: string) =>
  tx
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.invitationId, invitationId), isNull(notifications.readAt)));

/**
 * Accepts an invitation: the invitee joins the room (one `member.joined`). Accepting twice answers
 * the membership again. Refused when the invitation was declined (409), when its sender may no
 * longer add people (409), or when the invitee has since been banned (403 `banned`).
 */
export async function acceptInvitation(ctx: AppContext, caller: Caller, id: string): Promise<Membership> {
  const invitation = await loadInvitationForInvitee(ctx.db, caller.userId, id);
  const current = await membershipOf(ctx.db, invitation.roomId, caller.userId);
  if (invitation.status === 'declined') throw conflict('this invitation was declined');
  if (current) {
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(roomInvitations)
        .set({ status: 'accepted', respondedAt: invitation.respondedAt ?? new Date() })
        .where(eq(roomInvitations.id, id));
      await readNow(tx, id);
    });
    return presentMembership(ctx, current);
  }
  if (invitation.status === 'accepted') throw conflict('this invitation was already used');
  const { row, frame } = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(roomInvitations).where(eq(roomInvitations.id, id)).for('update');
    if (locked?.status !== 'pending') throw conflict('this invitation was answered meanwhile');
    const sender = await membershipOf(tx, invitation.roomId, invitation.inviterId);
    if (!sender || sender.role === 'member') {
      throw conflict('this invitation no longer holds: its sender may not add people to the room any more');
    }
    const added = await addMember(tx, invitation.roomId, caller.userId);
    await tx
      .update(roomInvitations)
      .set({ status: 'accepted', respondedAt: new Date() })
      .where(eq(roomInvitations.id, id));
    await readNow(tx, id);
    return {
      row: added.row,
      frame: await memberEventFrame(tx, 'member.joined', invitation.roomId, added.seq, caller.userId),
    };
  });
  await forgetMembership(ctx.db, invitation.roomId, caller.userId);
  await publishRoomEvents(ctx, [frame]);
  return presentMembership(ctx, row);
}

/** Declines an invitation; idempotent. An accepted one cannot be declined (409): leave the room instead. */
export async function declineInvitation(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  const invitation = await loadInvitationForInvitee(ctx.db, caller.userId, id);
  if (invitation.status === 'accepted')
    throw conflict('this invitation was accepted: leave the room instead');
  if (invitation.status === 'declined') return;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(roomInvitations)
      .set({ status: 'declined', respondedAt: new Date() })
      .where(and(eq(roomInvitations.id, id), eq(roomInvitations.status, 'pending')));
    await readNow(tx, id);
  });
}
