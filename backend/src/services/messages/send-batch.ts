import { and, eq, inArray, sql } from 'drizzle-orm';
import { parseMentions } from '@messaging-app/shared';
import { messages, roomEvents, roomParticipants, rooms, users } from '../../db/schema.js';
import { sqlState, uniqueViolation } from '../../db/errors.js';
import type { AppContext } from '../context.js';
import { toMessage } from '../presenters.js';
import { metrics } from '../../metrics/metrics.js';
import { sendMessage } from './send-message.js';
import type { SendMessageInput, SendResult } from './send-message.js';

export type BatchOutcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

/** A sender left between the check and the transaction: the batch is retried one by one. */
class MembershipChanged extends Error {}

const keyOf = (input: SendMessageInput) => `${input.userId}:${input.clientMsgId ?? ''}`;

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

/**
 * Posts several messages to one room in one transaction (group commit): one seq reservation, one
 * insert of the messages, one of their events, one commit. Same rules as `sendMessage` (members
 * only, idempotent by clientMsgId, seqs in input order); batches with mentions, or that race an
 * idempotent retry, go through `sendMessage` one by one.
 */
export async function sendMessageBatch(
  ctx: AppContext,
  roomId: string,
  inputs: SendMessageInput[],
): Promise<BatchOutcome[]> {
  const unique = new Set(inputs.map(keyOf));
  const plain = inputs.every(
    (i) => i.roomId === roomId && i.clientMsgId && parseMentions(i.body).length === 0,
  );
  if (inputs.length === 0) return [];
  if (!plain || unique.size !== inputs.length) return oneByOne(ctx, inputs);

  const senderIds = [...new Set(inputs.map((i) => i.userId))];
  let rows: (typeof messages.$inferSelect)[];
  let senders: Map<string, typeof users.$inferSelect>;
  try {
    // Four statements and one commit for the whole batch. A message already stored (a retry) is
    // found by the unique constraint rather than by a query up front: retries are rare.
    [rows, senders] = await ctx.db.transaction(async (tx) => {
      // Membership under the transaction, with the senders to present: someone removed a moment
      // ago may not post.
      const members = await tx
        .select({ user: users })
        .from(roomParticipants)
        .innerJoin(users, eq(users.id, roomParticipants.userId))
        .where(and(eq(roomParticipants.roomId, roomId), inArray(roomParticipants.userId, senderIds)));
      if (members.length !== senderIds.length) throw new MembershipChanged();
      const [room] = await tx
        .update(rooms)
        .set({ lastSeq: sql`${rooms.lastSeq} + ${inputs.length}` })
        .where(eq(rooms.id, roomId))
        .returning({ lastSeq: rooms.lastSeq });
      if (!room) throw new Error(`room ${roomId} vanished inside its own transaction`);
      const first = room.lastSeq - inputs.length + 1;
      const inserted = await tx
        .insert(messages)
        .values(
          inputs.map((input, i) => ({
            roomId,
            senderId: input.userId,
            body: input.body,
            clientMsgId: input.clientMsgId,
            seq: first + i,
          })),
        )
        .returning();
      await tx
        .insert(roomEvents)
        .values(inserted.map((m) => ({ roomId, seq: m.seq, type: 'message.new' as const, messageId: m.id })));
      return [
        inserted.sort((a, b) => a.seq - b.seq),
        new Map(members.map((m) => [m.user.id, m.user])),
      ] as const;
    });
  } catch (error) {
    // A retry of one of these, a non-member, or someone who just left: one message at a time.
    if (sqlState(error) === uniqueViolation || error instanceof MembershipChanged) {
      return oneByOne(ctx, inputs);
    }
    throw error;
  }
  const sent = rows.map((row) => toMessage(row, senders.get(row.senderId) as typeof users.$inferSelect));
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
  return sent.map((message) => ({ ok: true, result: { message, created: true } }));
}
