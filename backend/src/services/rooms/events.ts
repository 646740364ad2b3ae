import { eq, sql } from 'drizzle-orm';
import type { RoomEventType } from '@messaging-app/shared';
import type { Tx } from '../../db/client.js';
import { roomEvents, rooms } from '../../db/schema.js';

/**
 * Takes the room's next seq. The row lock taken by the update serialises concurrent writers of one
 * room until commit, so seqs are gap-free (a rollback gives the number back) and follow commit order.
 */
export async function reserveSeq(tx: Tx, roomId: string): Promise<number> {
  const [row] = await tx
    .update(rooms)
    .set({ lastSeq: sql`${rooms.lastSeq} + 1` })
    .where(eq(rooms.id, roomId))
    .returning({ seq: rooms.lastSeq });
  if (!row) throw new Error(`room ${roomId} vanished inside its own transaction`);
  return row.seq;
}

export interface RoomEventRow {
  roomId: string;
  seq: number;
  type: RoomEventType;
  messageId?: string;
  userId?: string;
}

export async function recordRoomEvent(tx: Tx, event: RoomEventRow): Promise<void> {
  await tx.insert(roomEvents).values(event);
}

/** Reserves a seq and records the event under it. */
export async function appendRoomEvent(
  tx: Tx,
  roomId: string,
  type: RoomEventType,
  refs: { messageId?: string; userId?: string },
): Promise<number> {
  const seq = await reserveSeq(tx, roomId);
  await recordRoomEvent(tx, { roomId, seq, type, ...refs });
  return seq;
}
