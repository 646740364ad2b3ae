import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, registerUser } from './support/factories.js';
import { sendMessageBatch } from '../src/services/messages/send-batch.js';
import type { BusMessage } from '../src/bus/messages.js';
import { AppError } from '../src/services/errors.js';

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
});
