import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Message, MessagePage } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import {
  addMember,
  createRoom,
  joinRoom,
  postMessage,
  problemOf,
  registerUser,
} from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { testMode } from './support/services.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const history = (user: TestUser, roomId: string, query = '') =>
  app.server.inject({ method: 'GET', url: `/api/rooms/${roomId}/messages${query}`, headers: user.headers });
const send = (user: TestUser, roomId: string, payload: object, server = app.server) =>
  server.inject({ method: 'POST', url: `/api/rooms/${roomId}/messages`, headers: user.headers, payload });

async function roomWithMessages(count: number) {
  const owner = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  for (let i = 1; i <= count; i++) await postMessage(app.server, owner, room.id, `message ${i}`);
  return { owner, room };
}

describe('posting', () => {
  it('stores a message with the next seq and the sender', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const clientMsgId = randomUUID();
    const response = await send(owner, room.id, { body: '  hello world  ', clientMsgId });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      roomId: room.id,
      seq: 1,
      body: 'hello world',
      clientMsgId,
      sender: { id: owner.user.id },
    });
  });

  it('returns the original message, with 200, when a send is retried', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const clientMsgId = randomUUID();
    const first = await send(owner, room.id, { body: 'once', clientMsgId });
    const retry = await send(owner, room.id, { body: 'once', clientMsgId });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const page = (await history(owner, room.id)).json();
    expect(page.messages).toHaveLength(1);
  });

  it('stores one message when the same send races itself', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const clientMsgId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => send(owner, room.id, { body: 'race', clientMsgId })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect((await history(owner, room.id)).json().messages).toHaveLength(1);
  });

  it('lets two senders reuse one clientMsgId without colliding', async () => {
    const owner = await registerUser(app.server);
    const other = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, other, room.id);
    const clientMsgId = randomUUID();
    expect((await send(owner, room.id, { body: 'a', clientMsgId })).statusCode).toBe(201);
    expect((await send(other, room.id, { body: 'b', clientMsgId })).statusCode).toBe(201);
  });

  it('rejects an empty, blank or over-4000-character body with 400 and stores nothing', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    for (const body of ['', '   \n\t ', 'x'.repeat(4001)]) {
      const response = await send(owner, room.id, { body });
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
    expect((await send(owner, room.id, { body: `  ${'x'.repeat(4000)}  ` })).statusCode).toBe(201);
    const bad = await send(owner, room.id, { body: 'ok', clientMsgId: 'not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    expect((await history(owner, room.id)).json().messages).toHaveLength(1);
  });

  it('refuses outsiders: 403 for a public room, 404 for a private one', async () => {
    const owner = await registerUser(app.server);
    const outsider = await registerUser(app.server);
    const open = await createRoom(app.server, owner);
    const secret = await createRoom(app.server, owner, { visibility: 'private' });
    expect((await send(outsider, open.id, { body: 'hi' })).statusCode).toBe(403);
    expect((await send(outsider, secret.id, { body: 'hi' })).statusCode).toBe(404);
    expect((await history(outsider, open.id)).statusCode).toBe(403);
    expect((await history(outsider, secret.id)).statusCode).toBe(404);
  });
});

describe('history', () => {
  it('returns the newest page in ascending seq, then older pages with before', async () => {
    const { owner, room } = await roomWithMessages(7);
    const newest = (await history(owner, room.id, '?limit=3')).json();
    expect(newest.messages.map((m: Message) => m.seq)).toEqual([5, 6, 7]);
    expect(newest.hasMore).toBe(true);
    const older = (await history(owner, room.id, '?limit=3&before=5')).json();
    expect(older.messages.map((m: Message) => m.seq)).toEqual([2, 3, 4]);
    expect(older.hasMore).toBe(true);
    const oldest = (await history(owner, room.id, '?limit=3&before=2')).json();
    expect(oldest.messages.map((m: Message) => m.seq)).toEqual([1]);
    expect(oldest.hasMore).toBe(false);
  });

  it('returns newer messages with after', async () => {
    const { owner, room } = await roomWithMessages(5);
    const page = (await history(owner, room.id, '?after=2&limit=2')).json();
    expect(page.messages.map((m: Message) => m.seq)).toEqual([3, 4]);
    expect(page.hasMore).toBe(true);
    const rest = (await history(owner, room.id, '?after=4')).json();
    expect(rest.messages.map((m: Message) => m.seq)).toEqual([5]);
    expect(rest.hasMore).toBe(false);
  });

  it('returns membership changes with their actor among the messages, in seq order', async () => {
    const ann = await registerUser(app.server);
    const room = await createRoom(app.server, ann);
    const [bob, cyd] = [await registerUser(app.server), await registerUser(app.server)];
    await postMessage(app.server, ann, room.id, 'before anyone came'); // 1
    await addMember(app.server, ann, room.id, bob); // 2: Ann added Bob
    await joinRoom(app.server, cyd, room.id); // 3: Cyd joined
    await postMessage(app.server, bob, room.id, 'hi all'); // 4
    const role = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}/members/${bob.user.id}`,
      headers: ann.headers,
      payload: { role: 'admin' },
    }); // 5: Ann made Bob an admin
    expect(role.statusCode).toBe(200);
    const removed = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${cyd.user.id}`,
      headers: ann.headers,
    }); // 6: Ann removed Cyd
    expect(removed.statusCode).toBe(204);
    const left = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/leave`,
      headers: bob.headers,
    });
    expect(left.statusCode).toBe(204); // 7: Bob left
    await postMessage(app.server, ann, room.id, 'quiet now'); // 8

    const page = (await history(ann, room.id)).json<MessagePage>();
    expect(page.hasMore).toBe(false);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 4, 8]);
    expect(page.events).toEqual([
      expect.objectContaining({
        type: 'member.joined',
        seq: 2,
        user: expect.objectContaining({ id: bob.user.id }),
        actor: expect.objectContaining({ id: ann.user.id }),
      }),
      expect.objectContaining({
        type: 'member.joined',
        seq: 3,
        user: expect.objectContaining({ id: cyd.user.id }),
      }),
      expect.objectContaining({
        type: 'member.updated',
        seq: 5,
        role: 'admin',
        actor: expect.objectContaining({ id: ann.user.id }),
      }),
      expect.objectContaining({
        type: 'member.left',
        seq: 6,
        user: expect.objectContaining({ id: cyd.user.id }),
        actor: expect.objectContaining({ id: ann.user.id }),
      }),
      expect.objectContaining({
        type: 'member.left',
        seq: 7,
        user: expect.objectContaining({ id: bob.user.id }),
      }),
    ]);
    expect(page.events[1]).not.toHaveProperty('actor');
    expect(page.events[4]).not.toHaveProperty('actor');
    for (const event of page.events) {
      expect(event.roomId).toBe(room.id);
      expect(typeof event.createdAt).toBe('string');
    }
  });

  it('pages messages and membership changes together by seq, with limit counting both', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const [first, second] = [await registerUser(app.server), await registerUser(app.server)];
    await postMessage(app.server, owner, room.id, 'one'); // 1
    await joinRoom(app.server, first, room.id); // 2
    await postMessage(app.server, owner, room.id, 'three'); // 3
    await joinRoom(app.server, second, room.id); // 4
    await postMessage(app.server, owner, room.id, 'five'); // 5
    const seqs = (page: MessagePage) =>
      [...page.messages, ...page.events].map((i) => i.seq).sort((a, b) => a - b);

    const newest = (await history(owner, room.id, '?limit=2')).json<MessagePage>();
    expect(seqs(newest)).toEqual([4, 5]);
    expect(newest.events.map((e) => e.seq)).toEqual([4]);
    expect(newest.hasMore).toBe(true);
    const older = (await history(owner, room.id, '?limit=2&before=4')).json<MessagePage>();
    expect(seqs(older)).toEqual([2, 3]);
    expect(older.hasMore).toBe(true);
    const oldest = (await history(owner, room.id, '?limit=2&before=2')).json<MessagePage>();
    expect(seqs(oldest)).toEqual([1]);
    expect(oldest.hasMore).toBe(false);

    const forward = (await history(owner, room.id, '?limit=2&after=1')).json<MessagePage>();
    expect(seqs(forward)).toEqual([2, 3]);
    expect(forward.hasMore).toBe(true);
    const rest = (await history(owner, room.id, '?limit=2&after=3')).json<MessagePage>();
    expect(seqs(rest)).toEqual([4, 5]);
    expect(rest.hasMore).toBe(false);
  });

  it('rejects a bad cursor or limit with 400', async () => {
    const { owner, room } = await roomWithMessages(1);
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?before=-1',
      '?after=abc',
      '?before=1&after=1',
      '?limit=1.5',
    ]) {
      const response = await history(owner, room.id, query);
      expect(response.statusCode, query).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
  });
});

describe('read marker', () => {
  it('moves forward, never back, and drives the unread count', async () => {
    const { owner, room } = await roomWithMessages(0);
    const reader = await registerUser(app.server);
    await joinRoom(app.server, reader, room.id);
    for (let i = 0; i < 4; i++) await postMessage(app.server, owner, room.id, `m${i}`);
    const unread = async () =>
      (await app.server.inject({ method: 'GET', url: '/api/rooms', headers: reader.headers }))
        .json()
        .rooms.find((r: { id: string }) => r.id === room.id).unreadCount;
    expect(await unread()).toBe(4);
    const lastSeq = (await history(reader, room.id)).json().messages.at(-1).seq;
    const mark = (seq: number) =>
      app.server.inject({
        method: 'POST',
        url: `/api/rooms/${room.id}/read`,
        headers: reader.headers,
        payload: { seq },
      });
    expect((await mark(lastSeq - 1)).statusCode).toBe(204);
    expect(await unread()).toBe(1);
    await mark(1);
    expect(await unread()).toBe(1);
    await mark(lastSeq + 1000);
    expect(await unread()).toBe(0);
    expect((await mark(-1)).statusCode).toBe(400);
  });
});

describe('seq under concurrency', () => {
  it('gives parallel posts seq 1..N with no gap and no duplicate', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const n = 40;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => postMessage(app.server, owner, room.id, `p${i}`)),
    );
    expect(results.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
  });

  // Two instances need a shared server database; the embedded store is single-process by design.
  if (testMode === 'services')
    it('gives posts from two API instances on one PostgreSQL seq 1..N with no gap and no duplicate', async () => {
      const second = await buildTestApp({ sharing: app });
      try {
        const a = await registerUser(app.server);
        const b = await registerUser(second.server);
        const room = await createRoom(app.server, a);
        await joinRoom(second.server, b, room.id);
        const n = 60;
        const posts = Array.from({ length: n }, (_, i) =>
          i % 2 === 0
            ? postMessage(app.server, a, room.id, `a${i}`)
            : postMessage(second.server, b, room.id, `b${i}`),
        );
        const seqs = (await Promise.all(posts)).map((m) => m.seq).sort((x, y) => x - y);
        // seq 1 is b's member.joined event; the n messages follow it without a hole.
        expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 2));
        const stored = (await history(a, room.id, '?limit=100')).json().messages.map((m: Message) => m.seq);
        expect(stored).toEqual(seqs);
      } finally {
        await second.close();
      }
    });
});
