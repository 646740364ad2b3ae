import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ServerFrame } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { testMode } from './support/services.js';
import { WsClient, wsUrl } from './support/ws-client.js';

let app: TestApp;
let url: string;
const clients: WsClient[] = [];

beforeAll(async () => {
  app = await buildTestApp({
    redisPrefix: uniqueName('changes'),
    config: { frontendDist: '/nonexistent-frontend-dist' },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  url = wsUrl(app.server);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

async function connect(user: TestUser, target = url): Promise<WsClient> {
  const client = await WsClient.connect(target, user.accessToken);
  clients.push(client);
  return client;
}

const at = (roomId: string, messageId: string) => `/api/rooms/${roomId}/messages/${messageId}`;
const edit = (user: TestUser, roomId: string, messageId: string, body: string) =>
  app.server.inject({
    method: 'PATCH',
    url: at(roomId, messageId),
    headers: user.headers,
    payload: { body },
  });
const remove = (user: TestUser, roomId: string, messageId: string) =>
  app.server.inject({ method: 'DELETE', url: at(roomId, messageId), headers: user.headers });
const react = (method: 'PUT' | 'DELETE', user: TestUser, roomId: string, messageId: string, emoji: string) =>
  app.server.inject({
    method,
    url: `${at(roomId, messageId)}/reactions/${encodeURIComponent(emoji)}`,
    headers: user.headers,
  });

const isEvent = (roomId: string) => (f: ServerFrame) => 'seq' in f && f.roomId === roomId;
type Sequenced = Extract<ServerFrame, { seq: number }>;

/** Ann and Bob in a room, Bob's socket subscribed. */
async function pair() {
  const ann = await registerUser(app.server);
  const bob = await registerUser(app.server);
  const room = await createRoom(app.server, ann);
  await joinRoom(app.server, bob, room.id);
  const socket = await connect(bob);
  socket.send({ type: 'subscribe', roomId: room.id });
  await socket.nextOf('subscribed');
  return { ann, bob, room, socket };
}

describe('message changes over the socket', () => {
  it('delivers message.updated, message.deleted and reaction.* live, each with the next seq', async () => {
    const { ann, bob, room, socket } = await pair();
    const posted = await postMessage(app.server, ann, room.id, 'first draft');
    const created = await socket.next<Sequenced>(isEvent(room.id));
    expect(created).toMatchObject({ type: 'message.new', seq: posted.seq });

    await edit(ann, room.id, posted.id, 'final text');
    const updated = await socket.next<Sequenced>(isEvent(room.id));
    expect(updated).toMatchObject({
      type: 'message.updated',
      roomId: room.id,
      seq: posted.seq + 1,
      message: { id: posted.id, seq: posted.seq, body: 'final text' },
    });
    expect((updated as { message: Message }).message.editedAt).toEqual(expect.any(String));

    await react('PUT', bob, room.id, posted.id, '🎉');
    expect(await socket.next(isEvent(room.id))).toEqual({
      type: 'reaction.added',
      roomId: room.id,
      seq: posted.seq + 2,
      messageId: posted.id,
      emoji: '🎉',
      userId: bob.user.id,
    });
    await react('DELETE', bob, room.id, posted.id, '🎉');
    expect(await socket.next(isEvent(room.id))).toMatchObject({
      type: 'reaction.removed',
      seq: posted.seq + 3,
      emoji: '🎉',
      userId: bob.user.id,
    });

    await remove(ann, room.id, posted.id);
    const deleted = await socket.next<Sequenced>(isEvent(room.id));
    expect(deleted).toMatchObject({
      type: 'message.deleted',
      seq: posted.seq + 4,
      message: { id: posted.id, body: '' },
    });
    expect((deleted as { message: Message }).message.deletedAt).toEqual(expect.any(String));
  });

  it('replays every change after afterSeq in order on resubscribe, showing the current state', async () => {
    const { ann, bob, room, socket } = await pair();
    const kept = await postMessage(app.server, ann, room.id, 'kept');
    const gone = await postMessage(app.server, ann, room.id, 'the secret is hunter2');
    await socket.next(isEvent(room.id));
    await socket.next(isEvent(room.id));
    const heldSeq = gone.seq;
    // Bob drops off; meanwhile the room changes.
    socket.close();
    await edit(ann, room.id, kept.id, 'kept, edited');
    await react('PUT', ann, room.id, kept.id, '👍');
    await react('PUT', ann, room.id, kept.id, '👀');
    await react('DELETE', ann, room.id, kept.id, '👀');
    await remove(ann, room.id, gone.id);

    const again = await connect(bob);
    again.send({ type: 'subscribe', roomId: room.id, afterSeq: heldSeq });
    const subscribed = await again.nextOf('subscribed');
    const replayed = again.received.filter(isEvent(room.id)) as Sequenced[];
    expect(replayed.map((f) => [f.type, f.seq])).toEqual([
      ['message.updated', heldSeq + 1],
      ['reaction.added', heldSeq + 2],
      ['reaction.added', heldSeq + 3],
      ['reaction.removed', heldSeq + 4],
      ['message.deleted', heldSeq + 5],
    ]);
    expect(subscribed.lastSeq).toBe(heldSeq + 5);
    // Message frames carry the message as it is now: the edit, its reactions; the deleted one empty.
    expect(replayed[0]).toMatchObject({
      message: { body: 'kept, edited', reactions: [{ emoji: '👍', count: 1, userIds: [ann.user.id] }] },
    });
    expect(replayed[2]).toMatchObject({ messageId: kept.id, emoji: '👀', userId: ann.user.id });
    expect(replayed[4]).toMatchObject({ message: { id: gone.id, body: '' } });
    expect(JSON.stringify(again.received)).not.toContain('hunter2');
  });

  it('tells the other tabs of the user where the read marker went and the unread count it leaves', async () => {
    const { ann, bob, room } = await pair();
    const tab = await connect(bob);
    const first = await postMessage(app.server, ann, room.id, 'one');
    await postMessage(app.server, ann, room.id, 'two');
    const read = (payload: object) =>
      app.server.inject({ method: 'POST', url: `/api/rooms/${room.id}/read`, headers: bob.headers, payload });
    expect((await read({ seq: first.seq + 1 })).statusCode).toBe(204);
    expect(await tab.nextOf('room.read')).toEqual({
      type: 'room.read',
      roomId: room.id,
      lastReadSeq: first.seq + 1,
      unreadCount: 0,
    });
    expect((await read({ seq: first.seq - 1, unread: true })).statusCode).toBe(204);
    expect(await tab.nextOf('room.read')).toMatchObject({ lastReadSeq: first.seq - 1, unreadCount: 2 });
  });
});

// Two instances need a shared server database; the embedded store is single-process by design.
if (testMode === 'services')
  describe('two API instances', () => {
    it('agree on one reaction when both toggle it at once, with one event per change and no gap', async () => {
      const prefix = uniqueName('react2');
      const one = await buildTestApp({ sharing: app, redisPrefix: prefix });
      const two = await buildTestApp({ sharing: app, redisPrefix: prefix });
      try {
        await one.server.listen({ host: '127.0.0.1', port: 0 });
        const ann = await registerUser(one.server);
        const bob = await registerUser(two.server);
        const room = await createRoom(one.server, ann);
        await joinRoom(two.server, bob, room.id);
        const posted = await postMessage(one.server, ann, room.id, 'race me');
        const watcher = await connect(ann, wsUrl(one.server));
        watcher.send({ type: 'subscribe', roomId: room.id, afterSeq: posted.seq });
        await watcher.nextOf('subscribed');
        const path = `${at(room.id, posted.id)}/reactions/${encodeURIComponent('🔥')}`;
        const toggles = Array.from({ length: 24 }, (_, i) => {
          const [server, user] = i % 2 === 0 ? [one.server, ann] : [two.server, bob];
          // The same person puts and takes back concurrently through both instances, as two tabs would.
          const method = i % 4 < 2 ? 'PUT' : 'DELETE';
          return server.inject({ method, url: path, headers: (i % 3 === 0 ? bob : user).headers });
        });
        const answers = await Promise.all(toggles);
        expect(answers.map((a) => a.statusCode).every((s) => s === 204)).toBe(true);
        // Whatever the interleaving: the stored state and the event log agree, event by event.
        const final = (
          await one.server.inject({ url: `/api/rooms/${room.id}/messages`, headers: ann.headers })
        ).json<{ messages: Message[] }>().messages[0]?.reactions;
        const lastSeq = (
          await two.server.inject({ url: `/api/rooms/${room.id}`, headers: bob.headers })
        ).json<{ lastSeq: number }>().lastSeq;
        const frames: Sequenced[] = [];
        while (frames.length < lastSeq - posted.seq)
          frames.push(await watcher.next<Sequenced>(isEvent(room.id)));
        expect(frames.map((f) => f.seq)).toEqual(
          Array.from({ length: frames.length }, (_, i) => posted.seq + 1 + i),
        );
        const holders = new Set<string>();
        for (const frame of frames) {
          const { type, userId } = frame as { type: string; userId: string };
          // Each event is a real change: no add of a held reaction, no removal of a missing one.
          if (type === 'reaction.added') expect(holders.has(userId)).toBe(false);
          if (type === 'reaction.removed') expect(holders.has(userId)).toBe(true);
          if (type === 'reaction.added') holders.add(userId);
          else holders.delete(userId);
        }
        const expected = holders.size === 0 ? [] : [{ emoji: '🔥', count: holders.size }];
        expect((final ?? []).map((r) => ({ emoji: r.emoji, count: r.count }))).toEqual(expected);
        expect(new Set(final?.[0]?.userIds ?? [])).toEqual(holders);
      } finally {
        await one.close();
        await two.close();
      }
    });
  });
