import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { User } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { roomParticipants, userBlocks, users } from '../../db/schema.js';
import { toUser } from '../presenters.js';

/** The people of each DM other than `userId`, in the order they joined: what the sidebar shows. */
export async function dmMembersOf(
  q: Queryable,
  roomIds: string[],
  userId: string,
): Promise<Map<string, User[]>> {
  const byRoom = new Map<string, User[]>(roomIds.map((id) => [id, []]));
  if (roomIds.length === 0) return byRoom;
  const rows = await q
    .select({ roomId: roomParticipants.roomId, user: users })
    .from(roomParticipants)
    .innerJoin(users, eq(users.id, roomParticipants.userId))
    .where(and(inArray(roomParticipants.roomId, roomIds), ne(roomParticipants.userId, userId)))
    .orderBy(asc(roomParticipants.joinedAt), asc(users.username));
  for (const row of rows) byRoom.get(row.roomId)?.push(toUser(row.user));
  return byRoom;
}

/** Whether anyone among `userIds` blocked `senderId`: a DM with a blocker is refused. */
export async function blockedByAny(q: Queryable, senderId: string, userIds: string[]): Promise<boolean> {
  if (userIds.length === 0) return false;
  const [row] = await q
    .select({ blockerId: userBlocks.blockerId })
    .from(userBlocks)
    .where(and(eq(userBlocks.blockedId, senderId), inArray(userBlocks.blockerId, userIds)))
    .limit(1);
  return row !== undefined;
}
