import { and, eq } from 'drizzle-orm';
import type { Role, RoomEventFrame } from '@messaging-app/shared';
import { roomEvents, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { iso, toUser } from '../presenters.js';
import type { Queryable } from '../../db/client.js';

/** Builds the frame of a membership event; the user is read once for every socket. */
export async function memberEventFrame(
  q: Queryable,
  type: 'member.joined' | 'member.left' | 'member.updated',
  roomId: string,
  seq: number,
  userId: string,
  detail: { actorId?: string; role?: Role } = {},
): Promise<RoomEventFrame> {
  const [user] = await q.select().from(users).where(eq(users.id, userId)).limit(1);
  const [event] = await q
    .select({ createdAt: roomEvents.createdAt })
    .from(roomEvents)
    .where(and(eq(roomEvents.roomId, roomId), eq(roomEvents.seq, seq)))
    .limit(1);
  if (!user) throw new Error(`user ${userId} vanished`);
  const [actor] = detail.actorId
    ? await q.select().from(users).where(eq(users.id, detail.actorId)).limit(1)
    : [];
  return {
    type,
    roomId,
    seq,
    user: toUser(user),
    ...(actor ? { actor: toUser(actor) } : {}),
    ...(detail.role ? { role: detail.role } : {}),
    ...(event ? { createdAt: iso(event.createdAt) } : {}),
  };
}

/** Rings the doorbell for committed room events, in seq order. */
export async function publishRoomEvents(ctx: AppContext, frames: RoomEventFrame[]): Promise<void> {
  for (const frame of frames) await ctx.bus.publish({ kind: 'room.event', roomId: frame.roomId, frame });
}
