import { and, eq, inArray, sql } from 'drizzle-orm';
import { parseMentions } from '@messaging-app/shared';
import { messages, roomEvents, roomParticipants, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import { toMessage } from '../presenters.js';
import { metrics } from '../../metrics/metrics.js';
import { lockRoom } from '../rooms/events.js';
import { liveSessions, sessionRevoked } from '../auth/sessions.js';
import { sendMessage } from './send-message.js';
import type { SendMessageInput, SendResult } from './send-message.js';

export type BatchOutcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

type MessageRow = typeof messages.$inferSelect;
type UserRow = typeof users.$inferSelect;

/** A message of the batch appeared between the lookup and the insert: the batch goes one by one. */
class InsertRaced extends Error {}
/** The room is a DM, whose every message notifies its members: the batch goes one by one. */
class NotifiesMembers extends Error {}

const keyOf = (senderId: string, clientMsgId: string | null | undefined) =>
  `${senderId}:${clientMsgId ?? ''}`;

/** The same messages one at a time, in order: the path for anything unusual. */
async function oneByOne(ctx: AppContext, inputs: SendMessageInput[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const input of inputs) {
    try {
      outcomes.push({ ok: true, result: await sendMessage(ctx, input) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

/** What becomes of one input: refused, already stored, a second copy of an earlier input, or new. */
type Step = { error: unknown } | { stored: MessageRow } | { copyOf: number } | { fresh: true };

interface Written {
  /** Per input: its stored message and whether this batch created it, or why it was refused. */
  outcomes: ({ row: MessageRow; created: boolean } | { error: unknown })[];
  senders: Map<string, UserRow>;
}

/**
 * Posts several messages to one room in one transaction (group commit): one lock of the room, one
 * membership check, one lookup of retries, one seq reservation, one insert of the messages, one of
 * their events, one commit. Same rules as `sendMessage`: members only, checked under the room's row
 * lock (which kicks take too, so no removed member's message gets a seq after their `member.left`)
 * and from a live session only;
 * idempotent by clientMsgId (a retry, also a second copy within the batch, resolves to the original
 * and the rest of the batch is stored as usual); seqs in input order. Batches with mentions or
 * without clientMsgIds go through `sendMessage` one by one.
 */
export async function sendMessageBatch(
  ctx: AppContext,
  roomId: string,
  inputs: SendMessageInput[],
): Promise<BatchOutcome[]> {
  if (inputs.length === 0) return [];
  const plain = inputs.every(
    (i) => i.roomId === roomId && i.clientMsgId && !i.threadId && parseMentions(i.body).length === 0,
  );
  if (!plain) return oneByOne(ctx, inputs);

  const senderIds = [...new Set(inputs.map((i) => i.userId))];
  const clientMsgIds = [...new Set(inputs.map((i) => i.clientMsgId as string))];
  let written: Written;
  try {
    written = await ctx.db.transaction(async (tx): Promise<Written> => {
      // The room's row lock first: membership, retries and seqs are all decided under it.
      const room = await lockRoom(tx, roomId);
      if (room.kind === 'dm') throw new NotifiesMembers();
      const members = await tx
        .select({ user: users })
        .from(roomParticipants)
        .innerJoin(users, eq(users.id, roomParticipants.userId))
        .where(and(eq(roomParticipants.roomId, roomId), inArray(roomParticipants.userId, senderIds)));
      const senders = new Map(members.map((m) => [m.user.id, m.user]));
      const sessionIds = [...new Set(inputs.flatMap((i) => (i.sessionId ? [i.sessionId] : [])))];
      const live = await liveSessions(tx, sessionIds);
      // Every insert of a message into this room holds this lock, so what is stored now stays true.
      const stored = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.roomId, roomId), inArray(messages.clientMsgId, clientMsgIds)));
      const byKey = new Map(stored.map((row) => [keyOf(row.senderId, row.clientMsgId), row]));

      const fresh: { index: number; input: SendMessageInput }[] = [];
      const claimed = new Map<string, number>();
      const plan = inputs.map((input, index): Step => {
        if (!senders.has(input.userId)) {
          // As the room gate answers: a private room does not exist for outsiders.
          return {
            error: room.visibility === 'private' ? notFound('room') : forbidden('join the room first'),
          };
        }
        // A session revoked a moment ago (a logout whose socket close was lost) sends nothing more.
        if (input.sessionId && !live.has(input.sessionId)) return { error: sessionRevoked() };
        const key = keyOf(input.userId, input.clientMsgId);
        const original = byKey.get(key);
        if (original) return { stored: original };
        const first = claimed.get(key);
        if (first !== undefined) return { copyOf: first };
        claimed.set(key, index);
        fresh.push({ index, input });
        return { fresh: true };
      });

      const rowsByIndex = new Map<number, MessageRow>();
      if (fresh.length > 0) {
        const [reserved] = await tx
          .update(rooms)
          .set({ lastSeq: sql`${rooms.lastSeq} + ${fresh.length}` })
          .where(eq(rooms.id, roomId))
          .returning({ lastSeq: rooms.lastSeq });
        if (!reserved) throw new Error(`room ${roomId} vanished inside its own transaction`);
        const firstSeq = reserved.lastSeq - fresh.length + 1;
        const inserted = await tx
          .insert(messages)
          .values(
            fresh.map(({ input }, i) => ({
              roomId,
              senderId: input.userId,
              body: input.body,
              clientMsgId: input.clientMsgId,
              seq: firstSeq + i,
            })),
          )
          .onConflictDoNothing()
          .returning();
        // Cannot happen while every writer of the room's messages takes its lock; if it ever does,
        // the seqs would have a gap: undo and go one by one.
        if (inserted.length !== fresh.length) throw new InsertRaced();
        await tx
          .insert(roomEvents)
          .values(
            inserted.map((m) => ({ roomId, seq: m.seq, type: 'message.new' as const, messageId: m.id })),
          );
        const bySeq = new Map(inserted.map((row) => [row.seq, row]));
        fresh.forEach(({ index }, i) => rowsByIndex.set(index, bySeq.get(firstSeq + i) as MessageRow));
      }
      const outcomes = plan.map((step, index): Written['outcomes'][number] => {
        if ('error' in step) return { error: step.error };
        if ('stored' in step) return { row: step.stored, created: false };
        if ('copyOf' in step) return { row: rowsByIndex.get(step.copyOf) as MessageRow, created: false };
        return { row: rowsByIndex.get(index) as MessageRow, created: true };
      });
      return { outcomes, senders };
    });
  } catch (error) {
    if (error instanceof InsertRaced || error instanceof NotifiesMembers) return oneByOne(ctx, inputs);
    throw error;
  }

  const results: BatchOutcome[] = written.outcomes.map((outcome) => {
    if ('error' in outcome) return { ok: false, error: outcome.error };
    const sender = written.senders.get(outcome.row.senderId) as UserRow;
    return { ok: true, result: { message: toMessage(outcome.row, sender), created: outcome.created } };
  });
  const sent = results.flatMap((r) => (r.ok && r.result.created ? [r.result.message] : []));
  metrics.messagesSent.inc(sent.length);
  // Published back to back rather than one round trip after another: local sockets hear them in
  // call order and Redis keeps one connection's commands in order.
  await Promise.all(
    sent.map((message) =>
      ctx.bus.publish({
        kind: 'room.event',
        roomId,
        frame: { type: 'message.new', roomId, seq: message.seq, message },
      }),
    ),
  );
  return results;
}
