import type { User } from '@messaging-app/shared';
import type { AppContext } from '../context.js';
import { loadRoomForMember } from './access.js';

/** Broadcasts that a member is typing: ephemeral, never stored, no seq. Throttling is the caller's. */
export async function announceTyping(ctx: AppContext, user: User, roomId: string): Promise<void> {
  await loadRoomForMember(ctx.db, user.id, roomId);
  await ctx.bus.publish({ kind: 'room.ephemeral', roomId, frame: { type: 'typing', roomId, user } });
}
