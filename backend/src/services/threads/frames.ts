import { eq } from 'drizzle-orm';
import type { RoomEventFrame } from '@messaging-app/shared';
import type { messages } from '../../db/schema.js';
import { roomParticipants, users } from '../../db/schema.js';
import type { Tx } from '../../db/client.js';
import { forbidden } from '../errors.js';
import { toMessage } from '../presenters.js';
import { blockedByAny } from '../dms/members.js';
import type { RoomRow } from '../rooms/access.js';

type MessageRow = typeof messages.$inferSelect;

/** The `message.updated` frame of a root whose reply summary changed. */
export async function rootUpdatedFrame(tx: Tx, root: MessageRow, seq: number): Promise<RoomEventFrame> {
  const [sender] = await tx.select().from(users).where(eq(users.id, root.senderId)).limit(1);
  if (!sender) throw new Error(`the author of ${root.id} vanished`);
  return { type: 'message.updated', roomId: root.roomId, seq, message: toMessage(root, sender) };
}

/** A DM member that someone else in it blocked can no longer post there (docs/security.md). */
export async function refuseBlockedDm(tx: Tx, room: RoomRow, senderId: string): Promise<void> {
  if (room.kind !== 'dm') return;
  const members = await tx
    .select({ id: roomParticipants.userId })
    .from(roomParticipants)
    .where(eq(roomParticipants.roomId, room.id));
  const others = members.map((m) => m.id).filter((id) => id !== senderId);
  if (await blockedByAny(tx, senderId, others)) throw forbidden('you cannot message one of these people');
}
