import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { roomParticipants, rooms } from '../../db/schema.js';
import { forbidden, notFound } from '../errors.js';
import { cachesOf, membershipKey } from '../../cache/caches.js';

export type RoomRow = typeof rooms.$inferSelect;
export type MembershipRow = typeof roomParticipants.$inferSelect;

export interface RoomView {
  room: RoomRow;
  /** Role and joinedAt are exact; lastReadSeq may lag when the row comes from the membership cache. */
  membership: MembershipRow | null;
}

/**
 * A room as a user may see it: private rooms do not exist (404) for those outside them, so their
 * ids leak nothing. Public rooms are visible to everyone signed in.
 */
export async function loadRoomForViewer(q: Queryable, userId: string, roomId: string): Promise<RoomView> {
  const caches = cachesOf(q);
  if (caches) {
    // The room row is always read fresh (its lastSeq and visibility change); the membership, the
    // expensive part to ask for on every request and socket event, comes from the shared cache.
    // The two lookups are independent: one round trip's worth of waiting, not two.
    const [[room], membership] = await Promise.all([
      q.select().from(rooms).where(eq(rooms.id, roomId)).limit(1),
      caches.membership.get(membershipKey(roomId, userId), async () => {
        const [found] = await q
          .select()
          .from(roomParticipants)
          .where(and(eq(roomParticipants.roomId, roomId), eq(roomParticipants.userId, userId)))
          .limit(1);
        return found ?? null;
      }),
    ]);
    if (!room) throw notFound('room');
    if (room.visibility === 'private' && !membership) throw notFound('room');
    return { room, membership };
  }
  const [row] = await q
    .select({ room: rooms, membership: roomParticipants })
    .from(rooms)
    .leftJoin(
      roomParticipants,
      and(eq(roomParticipants.roomId, rooms.id), eq(roomParticipants.userId, userId)),
    )
    .where(eq(rooms.id, roomId))
    .limit(1);
  if (!row) throw notFound('room');
  if (row.room.visibility === 'private' && !row.membership) throw notFound('room');
  return row;
}

/**
 * The one gate to a room's data, for HTTP and WebSocket alike: members pass; a public room's
 * outsiders get 403 until they join; a private room's outsiders get 404.
 */
export async function loadRoomForMember(
  q: Queryable,
  userId: string,
  roomId: string,
): Promise<{ room: RoomRow; membership: MembershipRow }> {
  const view = await loadRoomForViewer(q, userId, roomId);
  if (!view.membership) throw forbidden('join the room first');
  return { room: view.room, membership: view.membership };
}

const rank = { owner: 3, admin: 2, member: 1 } as const;

/** Members whose role is at least `role` pass; others get 403. */
export async function loadRoomForRole(
  q: Queryable,
  userId: string,
  roomId: string,
  role: 'owner' | 'admin',
): Promise<{ room: RoomRow; membership: MembershipRow }> {
  const access = await loadRoomForMember(q, userId, roomId);
  if (rank[access.membership.role] < rank[role]) throw forbidden(`only a room ${role} may do that`);
  return access;
}
