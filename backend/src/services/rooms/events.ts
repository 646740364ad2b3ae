import { eq, sql } from 'drizzle-orm';
import type { RoomEventType } from '@messaging-app/shared';
import type { Tx } from '../../db/client.js';
import { roomEvents, rooms } from '../../db/schema.js';
import { notFound } from '../errors.js';

/**
 * Takes the room's row lock (the one `reserveSeq` takes) without taking a seq yet. A transaction that
 * must decide something under that lock (is the sender still a member? is the membership still
 * there to end?) takes it first, so the decision and the seq follow one order across the room.
 */
export async function lockRoom(tx: Tx, roomId: string): Promise<typeof rooms.$inferSelect> {
  const [row] = await tx.select().from(rooms).where(eq(rooms.id, roomId)).for('no key update');
  if (!row) throw notFound('room');
  return row;
}

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
  /** The emoji of a `reaction.*` event. */
  emoji?: string;
  /** Who changed someone else's membership. */
  actorId?: string;
  role?: 'owner' | 'admin' | 'member';
}

export async function recordRoomEvent(tx: Tx, event: RoomEventRow): Promise<void> {
  await tx.insert(roomEvents).values(event);
}

/** Reserves a seq and records the event under it. */
export async function appendRoomEvent(
  tx: Tx,
  roomId: string,
  type: RoomEventType,
  refs: Omit<RoomEventRow, 'roomId' | 'seq' | 'type'>,
): Promise<number> {
  const seq = await reserveSeq(tx, roomId);
  await recordRoomEvent(tx, { roomId, seq, type, ...refs });
  return seq;
}
