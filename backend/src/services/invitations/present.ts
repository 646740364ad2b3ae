import { and, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Invitation } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { roomInvitations, rooms, users } from '../../db/schema.js';
import { iso, toUser } from '../presenters.js';

export type InvitationRow = typeof roomInvitations.$inferSelect;

const inviter = alias(users, 'inviter');
const invitee = alias(users, 'invitee');

/** Invitations matching `where`, newest first, with their room card and both people. */
export async function selectInvitations(
  q: Queryable,
  where: SQL | undefined,
  limit: number,
): Promise<Invitation[]> {
  const rows = await q
    .select({ invitation: roomInvitations, room: rooms, inviter, invitee })
    .from(roomInvitations)
    .innerJoin(rooms, eq(rooms.id, roomInvitations.roomId))
    .innerJoin(inviter, eq(inviter.id, roomInvitations.inviterId))
    .innerJoin(invitee, eq(invitee.id, roomInvitations.inviteeId))
    .where(where)
    .orderBy(desc(roomInvitations.createdAt), desc(roomInvitations.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.invitation.id,
    room: {
      id: r.room.id,
      name: r.room.name,
      description: r.room.description,
      visibility: r.room.visibility,
    },
    inviter: toUser(r.inviter),
    invitee: toUser(r.invitee),
    // A suppressed invitation looks pending to its sender for as long as it exists.
    status: r.invitation.status,
    createdAt: iso(r.invitation.createdAt),
    respondedAt: r.invitation.respondedAt ? iso(r.invitation.respondedAt) : null,
  }));
}

export async function presentInvitation(q: Queryable, id: string): Promise<Invitation> {
  const [found] = await selectInvitations(q, and(eq(roomInvitations.id, id)), 1);
  if (!found) throw new Error(`invitation ${id} vanished`);
  return found;
}
