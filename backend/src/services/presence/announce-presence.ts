import { eq } from 'drizzle-orm';
import { roomParticipants } from '../../db/schema.js';
import type { AppContext } from '../context.js';

/**
 * Tells everyone who follows one of the user's rooms that the user came online or went offline.
 * Addressed by room, so each instance reaches only sockets that share a room with the user.
 */
export async function announcePresence(
  ctx: AppContext,
  userId: string,
  status: 'online' | 'offline',
): Promise<void> {
  const rows = await ctx.db
    .select({ roomId: roomParticipants.roomId })
    .from(roomParticipants)
    .where(eq(roomParticipants.userId, userId));
  if (rows.length === 0) return;
  await ctx.bus.publish({ kind: 'presence', userId, status, roomIds: rows.map((r) => r.roomId) });
}
