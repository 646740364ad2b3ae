import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { roomBans } from '../../db/schema.js';
import { AppError } from '../errors.js';

export const banned = (message: string) => new AppError(403, 'banned', message);

/** Whether the user is on the room's ban list. */
export async function isBanned(q: Queryable, roomId: string, userId: string): Promise<boolean> {
  const [row] = await q
    .select({ userId: roomBans.userId })
    .from(roomBans)
    .where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Refuses a banned user with 403 `banned`: every way into a room (join, add, invitation) asks it. */
export async function assertNotBanned(q: Queryable, roomId: string, userId: string): Promise<void> {
  if (await isBanned(q, roomId, userId)) throw banned('you are banned from this room');
}
