import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyRoom, Notification, Room, ServerFrame } from '@messaging-app/shared';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { postMessage, problemOf, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { testMode } from './support/services.js';
import { WsClient, wsUrl } from './support/ws-client.js';

let app: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 1_000_000 };
  app = await buildTestApp({
    redisPrefix: uniqueName('dms'),
    config: { limits, frontendDist: '/nonexistent-frontend-dist' },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

const open = (server: TestApp['server'], user: TestUser, userIds: unknown) =>
  server.inject({ method: 'POST', url: '/api/dms', headers: user.headers, payload: { userIds } });
const get = (user: TestUser, url: string) => app.server.inject({ method: 'GET', url, headers: user.headers });

async function openDm(user: TestUser, others: TestUser[]): Promise<Room> {
  const response = await open(
    app.server,
    user,
    others.map((o) => o.user.id),
  );
  if (response.statusCode !== 201 && response.statusCode !== 200)
    throw new Error(`open DM answered ${response.statusCode} ${response.body}`);
  return response.json<Room>();
}

async function people(n: number): Promise<TestUser[]> {
  const list: TestUser[] = [];
  for (let i = 0; i < n; i += 1) list.push(await registerUser(app.server));
  return list;
}

describe('opening a direct message', () => {
  it('answers 201 with a new dm room, then 200 with the same room for the same two people', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const first = await open(app.server, ann, [bob.user.id]);
    expect(first.statusCode).toBe(201);
    const room = first.json<Room>();
    expect(room).toMatchObject({ kind: 'dm', visibility: 'private', memberCount: 2 });
    expect(room.dmMembers?.map((u) => u.id)).toEqual([bob.user.id]);
    const again = await open(app.server, bob, [ann.user.id]);
    expect(again.statusCode).toBe(200);
    expect(again.json<Room>().id).toBe(room.id);
    expect(again.json<Room>().dmMembers?.map((u) => u.id)).toEqual([ann.user.id]);
  });

  it('gives a group of people one room whatever the order, and another set another room', async () => {
    const [ann, bob, cid, dan] = await people(4);
    if (!ann || !bob || !cid || !dan) throw new Error('no people');
    const group = await openDm(ann, [bob, cid]);
    expect(group.memberCount).toBe(3);
    expect((await openDm(cid, [bob, ann])).id).toBe(group.id);
    // Naming yourself among the others changes nothing.
    const withSelf = await open(app.server, bob, [ann.user.id, bob.user.id, cid.user.id]);
    expect(withSelf.statusCode).toBe(200);
    expect(withSelf.json<Room>().id).toBe(group.id);
    const other = await openDm(ann, [bob, cid, dan]);
    expect(other.id).not.toBe(group.id);
    expect((await openDm(ann, [bob])).id).not.toBe(group.id);
  });

  it('refuses bad input with 400 and unknown people with 404, never a 500', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const nine = Array.from({ length: 9 }, () => randomUUID());
    for (const userIds of [[], nine, [ann.user.id], ['nope'], [bob.user.id, bob.user.id], 'x', null]) {
      const response = await open(app.server, ann, userIds);
      expect(response.statusCode, JSON.stringify(userIds)).toBe(400);
      expect(problemOf(response).status).toBe(400);
    }
    const unknown = await open(app.server, ann, [bob.user.id, randomUUID()]);
    expect(unknown.statusCode).toBe(404);
    const anonymous = await app.server.inject({
      method: 'POST',
      url: '/api/dms',
      payload: { userIds: [bob.user.id] },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('allows up to eight others (nine people)', async () => {
    const [ann, ...others] = await people(9);
    if (!ann) throw new Error('no people');
    const room = await openDm(ann, others);
    expect(room.memberCount).toBe(9);
  });

  it('refuses a conversation with someone who blocked the caller', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const room = await openDm(ann, [bob]);
    const blocked = await app.server.inject({
      method: 'PUT',
      url: `/api/users/${ann.user.id}/block`,
      headers: bob.headers,
    });
    expect(blocked.statusCode).toBe(204);
    expect((await open(app.server, ann, [bob.user.id])).statusCode).toBe(403);
    const post = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/messages`,
      headers: ann.headers,
      payload: { body: 'still there?' },
    });
    expect(post.statusCode).toBe(403);
    // The blocker may still write.
    expect((await postMessage(app.server, bob, room.id, 'I am')).body).toBe('I am');
  });
});

describe('who can see a direct message', () => {
  it('answers 404 to a stranger for the room, its history, its join and its posts', async () => {
    const [ann, bob, eve] = await people(3);
    if (!ann || !bob || !eve) throw new Error('no people');
    const room = await openDm(ann, [bob]);
    await postMessage(app.server, ann, room.id, 'between us');
    for (const url of [`/api/rooms/${room.id}`, `/api/rooms/${room.id}/messages`]) {
      expect((await get(eve, url)).statusCode).toBe(404);
    }
    const join = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/join`,
      headers: eve.headers,
    });
    expect(join.statusCode).toBe(404);
    const post = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/messages`,
      headers: eve.headers,
      payload: { body: 'hi' },
    });
    expect(post.statusCode).toBe(404);
  });

  it('never lists a DM in discover, and lists it in the members’ rooms with the other people', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const room = await openDm(ann, [bob]);
    for (const user of [ann, bob]) {
      const discover = (await get(user, '/api/rooms/discover')).json<{ rooms: Room[] }>().rooms;
      expect(discover.some((r) => r.id === room.id || r.kind === 'dm')).toBe(false);
    }
    const mine = (await get(bob, '/api/rooms')).json<{ rooms: MyRoom[] }>().rooms;
    const listed = mine.find((r) => r.id === room.id);
    expect(listed).toMatchObject({ kind: 'dm', role: 'member' });
    expect(listed?.dmMembers?.map((u) => u.username)).toEqual([ann.user.username]);
  });

  it('fixes its people: nobody leaves, is added, removed, renamed or promoted', async () => {
    const [ann, bob, cid] = await people(3);
    if (!ann || !bob || !cid) throw new Error('no people');
    const room = await openDm(ann, [bob]);
    const attempts = [
      { method: 'POST' as const, url: `/api/rooms/${room.id}/leave` },
      { method: 'DELETE' as const, url: `/api/rooms/${room.id}/participants/${ann.user.id}` },
      { method: 'DELETE' as const, url: `/api/rooms/${room.id}/participants/${bob.user.id}` },
      {
        method: 'POST' as const,
        url: `/api/rooms/${room.id}/participants`,
        payload: { userId: cid.user.id },
      },
      { method: 'PATCH' as const, url: `/api/rooms/${room.id}`, payload: { name: 'ours' } },
      { method: 'DELETE' as const, url: `/api/rooms/${room.id}` },
      {
        method: 'PATCH' as const,
        url: `/api/rooms/${room.id}/members/${bob.user.id}`,
        payload: { role: 'admin' },
      },
    ];
    for (const attempt of attempts) {
      const response = await app.server.inject({ ...attempt, headers: ann.headers });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }
    expect((await openDm(bob, [ann])).memberCount).toBe(2);
  });
});

describe('DM notifications', () => {
  it('notifies every other member of each message like a mention, live and in the list', async () => {
    const [ann, bob, cid] = await people(3);
    if (!ann || !bob || !cid) throw new Error('no people');
    const room = await openDm(ann, [bob, cid]);
    const bobSocket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(bobSocket);
    const message = await postMessage(app.server, ann, room.id, 'lunch at noon?');
    const live = await bobSocket.next(
      (f: ServerFrame) => f.type === 'notification.new' && f.notification.messageId === message.id,
    );
    expect(live).toMatchObject({ notification: { type: 'mention', roomId: room.id } });
    for (const user of [bob, cid]) {
      const list = (await get(user, '/api/notifications')).json<{ notifications: Notification[] }>();
      expect(list.notifications.filter((n) => n.messageId === message.id)).toHaveLength(1);
    }
    const own = (await get(ann, '/api/notifications')).json<{ notifications: Notification[] }>();
    expect(own.notifications.some((n) => n.messageId === message.id)).toBe(false);
  });

  it('notifies for messages sent over the socket too (which otherwise go in batches)', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const room = await openDm(ann, [bob]);
    const annSocket = await WsClient.connect(wsUrl(app.server), ann.accessToken);
    const bobSocket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(annSocket, bobSocket);
    const clientMsgIds = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, clientMsgId] of clientMsgIds.entries()) {
      annSocket.send({ type: 'message.send', roomId: room.id, body: `socket ${i}`, clientMsgId });
    }
    for (const clientMsgId of clientMsgIds) {
      await annSocket.next((f) => f.type === 'message.ack' && f.clientMsgId === clientMsgId);
    }
    const previews = [];
    for (let i = 0; i < clientMsgIds.length; i += 1) {
      const frame = await bobSocket.nextOf('notification.new');
      previews.push(frame.notification.preview);
    }
    expect(previews.sort()).toEqual(['socket 0', 'socket 1', 'socket 2']);
  });
});

describe('concurrent opens', () => {
  it('give one room when the same two people open their DM many times at once', async () => {
    const [ann, bob] = await people(2);
    if (!ann || !bob) throw new Error('no people');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? open(app.server, ann, [bob.user.id]) : open(app.server, bob, [ann.user.id]),
      ),
    );
    const ids = new Set(answers.map((a) => a.json<Room>().id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(7);
  });

  // Two instances need a shared server database; the embedded store is single-process by design.
  if (testMode === 'services')
    it('give one room when two API instances on one PostgreSQL open the same DM at once', async () => {
      const second = await buildTestApp({ sharing: app });
      try {
        for (let round = 0; round < 5; round += 1) {
          const [ann, bob, cid] = await people(3);
          if (!ann || !bob || !cid) throw new Error('no people');
          const answers = await Promise.all([
            open(app.server, ann, [bob.user.id, cid.user.id]),
            open(second.server, bob, [cid.user.id, ann.user.id]),
            open(second.server, cid, [ann.user.id, bob.user.id]),
            open(app.server, cid, [bob.user.id, ann.user.id]),
          ]);
          expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 201]);
          expect(new Set(answers.map((a) => a.json<Room>().id)).size).toBe(1);
        }
      } finally {
        await second.close();
      }
    });
});
