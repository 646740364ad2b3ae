import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { messages, roomEvents } from '../src/db/schema.js';
import { sendMessage } from '../src/services/messages/send-message.js';
import { sendMessageBatch } from '../src/services/messages/send-batch.js';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

/**
 * Membership changes racing each other and racing the member's own sends. Kicks, leaves and sends
 * of one room are ordered by the room's row lock, the one that hands out seqs.
 */

let app: TestApp;
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 1_000_000 };
  app = await buildTestApp({ config: { limits, frontendDist: '/nonexistent-frontend-dist' } });
});
afterAll(async () => {
  await app.close();
});

async function roomWithMembers(count: number) {
  const owner = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  const members: TestUser[] = [];
  for (let i = 0; i < count; i += 1) {
    const member = await registerUser(app.server);
    await joinRoom(app.server, member, room.id);
    members.push(member);
  }
  return { owner, room, members };
}

async function eventsOf(roomId: string, type: 'member.left' | 'member.joined') {
  return app.ctx.db
    .select({ seq: roomEvents.seq, userId: roomEvents.userId })
    .from(roomEvents)
    .where(and(eq(roomEvents.roomId, roomId), eq(roomEvents.type, type)));
}

describe('concurrent leaves and kicks', () => {
  it('append exactly one member.left per membership (30 memberships, 4 removals racing for each)', async () => {
    const { owner, room, members } = await roomWithMembers(30);
    const leave = (m: TestUser) =>
      app.server.inject({ method: 'POST', url: `/api/rooms/${room.id}/leave`, headers: m.headers });
    const kick = (m: TestUser) =>
      app.server.inject({
        method: 'DELETE',
        url: `/api/rooms/${room.id}/participants/${m.user.id}`,
        headers: owner.headers,
      });
    const answers = await Promise.all(members.flatMap((m) => [leave(m), kick(m), leave(m), kick(m)]));
    // The one that ended the membership answers 204; the others find no membership (403/404), never a 500.
    for (const answer of answers) expect([204, 403, 404]).toContain(answer.statusCode);
    const left = await eventsOf(room.id, 'member.left');
    const perUser = new Map<string, number>();
    for (const event of left) perUser.set(String(event.userId), (perUser.get(String(event.userId)) ?? 0) + 1);
    expect({ events: left.length, users: perUser.size }).toEqual({ events: 30, users: 30 });
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    // Each membership ended once, so at least one removal per member succeeded and the rest did not.
    expect(answers.filter((a) => a.statusCode === 204)).toHaveLength(30);
  });
});

describe('a kick racing the member’s own sends', () => {
  it('never gives a removed member’s message a seq after their member.left (single and batched sends)', async () => {
    const { owner, room, members } = await roomWithMembers(8);
    const stored: number[] = [];
    const refused: unknown[] = [];
    // Each member keeps sending (alternately one by one and as a group-commit batch) until refused.
    const sender = async (member: TestUser, index: number) => {
      for (let round = 0; round < 15; round += 1) {
        try {
          if ((index + round) % 2 === 0) {
            await sendMessage(app.ctx, {
              userId: member.user.id,
              roomId: room.id,
              body: `single ${round}`,
              clientMsgId: randomUUID(),
            });
            stored.push(1);
          } else {
            const outcomes = await sendMessageBatch(
              app.ctx,
              room.id,
              [0, 1, 2].map((k) => ({
                userId: member.user.id,
                roomId: room.id,
                body: `batch ${round}.${k}`,
                clientMsgId: randomUUID(),
              })),
            );
            const failed = outcomes.find((o) => !o.ok);
            if (failed) throw failed.ok ? new Error('unreachable') : failed.error;
            stored.push(outcomes.length);
          }
        } catch (error) {
          refused.push(error);
          return;
        }
      }
    };
    const kicks = members.map(async (member, i) => {
      // Let each member get a few sends in first, staggered, so kicks land mid-stream.
      for (let k = 0; k < 2 + (i % 4); k += 1) await new Promise((r) => setImmediate(r));
      const answer = await app.server.inject({
        method: 'DELETE',
        url: `/api/rooms/${room.id}/participants/${member.user.id}`,
        headers: owner.headers,
      });
      expect(answer.statusCode).toBe(204);
    });
    await Promise.all([...members.map(sender), ...kicks]);

    const left = await eventsOf(room.id, 'member.left');
    expect(left).toHaveLength(members.length);
    const rows = await app.ctx.db
      .select({ seq: messages.seq, senderId: messages.senderId })
      .from(messages)
      .where(eq(messages.roomId, room.id));
    const late = rows.filter((row) => {
      const leftAt = left.find((e) => e.userId === row.senderId)?.seq;
      return leftAt !== undefined && row.seq > leftAt;
    });
    expect({ late: late.length, stored: rows.length }).toEqual({ late: 0, stored: rows.length });
    expect(rows.length).toBe(stored.reduce((a, b) => a + b, 0));
  });
});
