import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, registerUser } from './support/factories.js';
import { sendMessageBatch } from '../src/services/messages/send-batch.js';
import type { BusMessage } from '../src/bus/messages.js';
import { AppError } from '../src/services/errors.js';
import { eq, sql } from 'drizzle-orm';
import { messages } from '../src/db/schema.js';

let app: TestApp;
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000 };
  app = await buildTestApp({ config: { limits, frontendDist: '/nonexistent-frontend-dist' } });
});
afterAll(async () => {
  await app.close();
});

describe('sendMessageBatch', () => {
  it('stores a batch in one go with consecutive seqs in input order and publishes each event once', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    const published: BusMessage[] = [];
    const stop = app.ctx.bus.subscribe((m) => published.push(m));
    const inputs = [owner, member, owner].map((u, i) => ({
      userId: u.user.id,
      roomId: room.id,
      body: `batch ${i}`,
      clientMsgId: randomUUID(),
    }));
    const outcomes = await sendMessageBatch(app.ctx, room.id, inputs);
    stop();
    const messages = outcomes.map((o) => (o.ok ? o.result.message : undefined));
    expect(messages.map((m) => m?.body)).toEqual(['batch 0', 'batch 1', 'batch 2']);
    const first = messages[0]?.seq as number;
    expect(messages.map((m) => m?.seq)).toEqual([first, first + 1, first + 2]);
    const events = published.filter((m) => m.kind === 'room.event');
    expect(events.map((m) => (m.kind === 'room.event' ? m.frame.seq : 0))).toEqual([
      first,
      first + 1,
      first + 2,
    ]);

    const again = await sendMessageBatch(app.ctx, room.id, inputs);
    expect(again.map((o) => o.ok && o.result.created)).toEqual([false, false, false]);
    expect(again.map((o) => o.ok && o.result.message.id)).toEqual(messages.map((m) => m?.id));
  });

  it('refuses a non-member’s message in a batch and still stores the members’ ones', async () => {
    const owner = await registerUser(app.server);
    const outsider = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const outcomes = await sendMessageBatch(app.ctx, room.id, [
      { userId: owner.user.id, roomId: room.id, body: 'mine', clientMsgId: randomUUID() },
      { userId: outsider.user.id, roomId: room.id, body: 'not mine', clientMsgId: randomUUID() },
    ]);
    expect(outcomes[0]?.ok).toBe(true);
    const refused = outcomes[1];
    expect(refused?.ok).toBe(false);
    expect(refused && !refused.ok && refused.error instanceof AppError && refused.error.code).toBe(
      'forbidden',
    );
  });

  it('resolves retries inside a batch to their originals and stores the rest once, in the same transaction', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    const input = (i: number) => ({
      userId: (i % 2 === 0 ? owner : member).user.id,
      roomId: room.id,
      body: `frame ${i}`,
      clientMsgId: randomUUID(),
    });
    // Three sends stored earlier (a first attempt before a reconnect) ...
    const earlier = [input(100), input(101), input(102)];
    const originals = await sendMessageBatch(app.ctx, room.id, earlier);
    const originalIds = originals.map((o) => (o.ok ? o.result.message.id : undefined));
    // ... resent among 37 new ones, and one new send resent within the same batch.
    const fresh = Array.from({ length: 37 }, (_, i) => input(i));
    const batch = [...fresh];
    batch.splice(5, 0, earlier[0] as (typeof earlier)[number]);
    batch.splice(20, 0, earlier[1] as (typeof earlier)[number]);
    batch.splice(30, 0, { ...(fresh[10] as (typeof fresh)[number]) });
    batch.push(earlier[2] as (typeof earlier)[number]);
    const published: BusMessage[] = [];
    const stop = app.ctx.bus.subscribe((m) => published.push(m));
    const outcomes = await sendMessageBatch(app.ctx, room.id, batch);
    stop();

    const results = outcomes.map((o) => {
      if (!o.ok) throw o.error;
      return o.result;
    });
    expect([5, 20, batch.length - 1].map((i) => results[i]?.created)).toEqual([false, false, false]);
    expect([5, 20, batch.length - 1].map((i) => results[i]?.message.id)).toEqual(originalIds);
    expect(results[30]).toMatchObject({ created: false, message: { id: results[11]?.message.id } });
    const created = results.filter((r) => r.created).map((r) => r.message);
    expect(created.map((m) => m.body)).toEqual(fresh.map((f) => f.body));
    const first = created[0]?.seq as number;
    expect(created.map((m) => m.seq)).toEqual(created.map((_, i) => first + i));
    // Only the new messages ring the doorbell, once each.
    const events = published.filter((m) => m.kind === 'room.event');
    expect(events.map((m) => (m.kind === 'room.event' ? m.frame.seq : 0))).toEqual(created.map((m) => m.seq));

    const rows = await app.ctx.db
      .select({
        clientMsgId: messages.clientMsgId,
        n: sql<number>`count(*)::int`,
        // Microseconds: two transactions a moment apart have different now().
        createdAt: sql<string>`min(${messages.createdAt})::text`,
      })
      .from(messages)
      .where(eq(messages.roomId, room.id))
      .groupBy(messages.clientMsgId);
    expect(rows.length).toBe(40);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // The new messages were written by the batch's own transaction (one now()), not redone one by one.
    const freshIds = new Set<string>(fresh.map((f) => f.clientMsgId));
    const stamps = new Set(rows.filter((r) => freshIds.has(String(r.clientMsgId))).map((r) => r.createdAt));
    expect(stamps.size).toBe(1);
  });
});
