import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Message,
  MessagePage,
  MyRoom,
  Notification,
  RoomEventFrame,
  ThreadPage,
} from '@messaging-app/shared';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import {
  createRoom,
  joinRoom,
  postMessage,
  problemOf,
  registerUser,
  uniqueName,
} from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { WsClient, wsUrl } from './support/ws-client.js';

let app: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 1_000_000 };
  app = await buildTestApp({
    redisPrefix: uniqueName('threads'),
    config: { limits, frontendDist: '/nonexistent-frontend-dist' },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

const get = (user: TestUser, url: string) => app.server.inject({ method: 'GET', url, headers: user.headers });

function reply(user: TestUser, roomId: string, payload: Record<string, unknown>) {
  return app.server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/messages`,
    headers: user.headers,
    payload: { clientMsgId: randomUUID(), ...payload },
  });
}

async function replied(user: TestUser, roomId: string, threadId: string, body: string, alsoToRoom = false) {
  const response = await reply(user, roomId, { body, threadId, alsoToRoom });
  if (response.statusCode !== 201) throw new Error(`reply answered ${response.statusCode} ${response.body}`);
  return response.json<Message>();
}

/** A public room with Ann (owner), Bob and Cid, and a root message by Ann. */
async function scene() {
  const ann = await registerUser(app.server);
  const bob = await registerUser(app.server);
  const cid = await registerUser(app.server);
  const room = await createRoom(app.server, ann);
  await joinRoom(app.server, bob, room.id);
  await joinRoom(app.server, cid, room.id);
  const root = await postMessage(app.server, ann, room.id, 'what shall we build?');
  return { ann, bob, cid, room, root };
}

const myRoom = async (user: TestUser, roomId: string) =>
  (await get(user, '/api/rooms')).json<{ rooms: MyRoom[] }>().rooms.find((r) => r.id === roomId);

describe('replying in a thread', () => {
  it('stores the reply under its root, sums it up on the root and keeps it out of the timeline', async () => {
    const { ann, bob, cid, room, root } = await scene();
    const first = await replied(bob, room.id, root.id, 'a chat app');
    expect(first).toMatchObject({ threadId: root.id, alsoToRoom: false, seq: root.seq + 1 });
    await replied(cid, room.id, root.id, 'with threads');
    await replied(bob, room.id, root.id, 'agreed');
    const thread = (await get(ann, `/api/rooms/${room.id}/threads/${root.id}`)).json<ThreadPage>();
    expect(thread.replies.map((r) => r.body)).toEqual(['a chat app', 'with threads', 'agreed']);
    expect(thread.hasMore).toBe(false);
    expect(thread.root).toMatchObject({ id: root.id, replyCount: 3 });
    expect(thread.root.threadParticipantIds).toEqual([bob.user.id, cid.user.id]);
    expect(thread.root.lastReplyAt).toBe(thread.replies[2]?.createdAt);
    const timeline = (await get(ann, `/api/rooms/${room.id}/messages`)).json<MessagePage>();
    expect(timeline.messages.map((m) => m.body)).toEqual(['what shall we build?']);
    expect(timeline.messages[0]).toMatchObject({ replyCount: 3 });
    // Replies after a seq, page by page.
    const later = await get(ann, `/api/rooms/${room.id}/threads/${root.id}?after=${first.seq}&limit=1`);
    expect(later.json<ThreadPage>()).toMatchObject({ replies: [{ body: 'with threads' }], hasMore: true });
  });

  it('pages a long thread back from its newest replies, with their reactions', async () => {
    const { ann, bob, room, root } = await scene();
    const replies: Message[] = [];
    for (let i = 1; i <= 5; i++) replies.push(await replied(bob, room.id, root.id, `reply ${i}`));
    const at = (query: string) => get(ann, `/api/rooms/${room.id}/threads/${root.id}${query}`);
    const reacted = await app.server.inject({
      method: 'PUT',
      url: `/api/rooms/${room.id}/messages/${replies[4]?.id}/reactions/${encodeURIComponent('👍')}`,
      headers: ann.headers,
    });
    expect(reacted.statusCode).toBe(204);

    const newest = (await at('?latest=true&limit=2')).json<ThreadPage>();
    expect(newest.replies.map((r) => r.body)).toEqual(['reply 4', 'reply 5']);
    expect(newest.hasMore).toBe(true);
    expect(newest.replies[1]?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [ann.user.id] }]);
    const older = (await at(`?before=${newest.replies[0]?.seq}&limit=2`)).json<ThreadPage>();
    expect(older.replies.map((r) => r.body)).toEqual(['reply 2', 'reply 3']);
    expect(older.hasMore).toBe(true);
    const oldest = (await at(`?before=${older.replies[0]?.seq}&limit=2`)).json<ThreadPage>();
    expect(oldest.replies.map((r) => r.body)).toEqual(['reply 1']);
    expect(oldest.hasMore).toBe(false);
    expect((await at('?latest=true')).json<ThreadPage>()).toMatchObject({ hasMore: false });
    for (const query of ['?after=1&before=9', '?after=1&latest=true', '?latest=maybe', '?before=-1']) {
      const refused = await at(query);
      expect(refused.statusCode, query).toBe(400);
      expect(problemOf(refused).code).toBe('validation_failed');
    }
  });

  it('shows a reply also sent to the room in the timeline', async () => {
    const { bob, room, root } = await scene();
    await replied(bob, room.id, root.id, 'for everyone', true);
    const timeline = (await get(bob, `/api/rooms/${room.id}/messages`)).json<MessagePage>();
    expect(timeline.messages.map((m) => [m.body, m.threadId ?? null])).toEqual([
      ['what shall we build?', null],
      ['for everyone', root.id],
    ]);
  });

  it('refuses a root in another room (404), a reply as root (400), and bad ids (400)', async () => {
    const { ann, bob, room, root } = await scene();
    const elsewhere = await createRoom(app.server, ann);
    expect((await reply(ann, elsewhere.id, { body: 'x', threadId: root.id })).statusCode).toBe(404);
    expect((await reply(ann, room.id, { body: 'x', threadId: randomUUID() })).statusCode).toBe(404);
    const child = await replied(bob, room.id, root.id, 'child');
    const nested = await reply(ann, room.id, { body: 'x', threadId: child.id });
    expect(nested.statusCode).toBe(400);
    expect(problemOf(nested).code).toBe('bad_request');
    for (const payload of [
      { body: 'x', threadId: 'nope' },
      { body: 'x', threadId: root.id, alsoToRoom: 'yes' },
    ]) {
      expect((await reply(ann, room.id, payload)).statusCode).toBe(400);
    }
    expect((await get(ann, `/api/rooms/${room.id}/threads/${child.id}`)).statusCode).toBe(400);
    expect((await get(ann, `/api/rooms/${room.id}/threads/${randomUUID()}`)).statusCode).toBe(404);
    expect((await get(ann, `/api/rooms/${elsewhere.id}/threads/${root.id}`)).statusCode).toBe(404);
    expect((await get(ann, `/api/rooms/${room.id}/threads/${root.id}?after=-1`)).statusCode).toBe(400);
  });

  it('answers a thread of a private room only to its members (404 to others)', async () => {
    const ann = await registerUser(app.server);
    const eve = await registerUser(app.server);
    const room = await createRoom(app.server, ann, { visibility: 'private' });
    const root = await postMessage(app.server, ann, room.id, 'secret root');
    expect((await get(eve, `/api/rooms/${room.id}/threads/${root.id}`)).statusCode).toBe(404);
    expect((await reply(eve, room.id, { body: 'x', threadId: root.id })).statusCode).toBe(404);
  });
});

describe('thread notifications and read state', () => {
  it('notifies the root’s author and the thread’s participants, never the replier', async () => {
    const { ann, bob, cid, room, root } = await scene();
    const bobs = await replied(bob, room.id, root.id, 'first');
    const cids = await replied(cid, room.id, root.id, 'second');
    const notified = async (user: TestUser, messageId: string) =>
      (await get(user, '/api/notifications'))
        .json<{ notifications: Notification[] }>()
        .notifications.filter((n) => n.messageId === messageId).length;
    expect(await notified(ann, bobs.id)).toBe(1);
    expect(await notified(bob, bobs.id)).toBe(0);
    expect(await notified(cid, bobs.id)).toBe(0);
    expect(await notified(ann, cids.id)).toBe(1);
    expect(await notified(bob, cids.id)).toBe(1);
    expect(await notified(cid, cids.id)).toBe(0);
  });

  it('keeps a read thread read until a new reply comes, apart from the room’s unread count', async () => {
    const { ann, bob, room, root } = await scene();
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadThreads: 0 });
    const first = await replied(bob, room.id, root.id, 'news');
    // A thread-only reply is not a room message: the room's count stays, the thread's rises.
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadThreads: 1, unreadCount: 0 });
    const read = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/threads/${root.id}/read`,
      headers: ann.headers,
      payload: { seq: first.seq },
    });
    expect(read.statusCode).toBe(204);
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadThreads: 0 });
    expect((await get(ann, `/api/rooms/${room.id}/threads/${root.id}`)).json<ThreadPage>().lastReadSeq).toBe(
      first.seq,
    );
    // Reading the room, or an older seq of the thread, does not bring the thread back.
    await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/threads/${root.id}/read`,
      headers: ann.headers,
      payload: { seq: 1 },
    });
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadThreads: 0 });
    await replied(bob, room.id, root.id, 'more news');
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadThreads: 1 });
    // Threads one does not follow never count.
    const cid = await registerUser(app.server);
    await joinRoom(app.server, cid, room.id);
    expect(await myRoom(cid, room.id)).toMatchObject({ unreadThreads: 0 });
  });
});

describe('thread events on the socket', () => {
  it('delivers a reply and its root’s new summary live, and replays both after a reconnect', async () => {
    const { ann, bob, room, root } = await scene();
    const live = await WsClient.connect(wsUrl(app.server), ann.accessToken);
    clients.push(live);
    live.send({ type: 'subscribe', roomId: room.id });
    await live.nextOf('subscribed');
    const first = await replied(bob, room.id, root.id, 'live reply');
    const news = await live.next((f) => f.type === 'message.new' && f.message.id === first.id);
    expect(news).toMatchObject({ seq: first.seq, message: { threadId: root.id } });
    const summary = await live.next<RoomEventFrame>(
      (f) => f.type === 'message.updated' && f.message.id === root.id,
    );
    expect(summary).toMatchObject({ seq: first.seq + 1, message: { replyCount: 1 } });
    live.close();

    // Offline meanwhile: a reply over the socket of someone else, then a reconnect from the last seq held.
    const bobSocket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(bobSocket);
    const clientMsgId = randomUUID();
    bobSocket.send({
      type: 'message.send',
      roomId: room.id,
      body: 'while you were away',
      clientMsgId,
      threadId: root.id,
    });
    const ack = await bobSocket.next((f) => f.type === 'message.ack' && f.clientMsgId === clientMsgId);
    expect(ack).toMatchObject({ message: { threadId: root.id } });
    const again = await WsClient.connect(wsUrl(app.server), ann.accessToken);
    clients.push(again);
    again.send({ type: 'subscribe', roomId: room.id, afterSeq: summary.seq });
    const subscribed = await again.nextOf('subscribed');
    const replayed = again.received.flatMap((f) =>
      f.type === 'message.new' || f.type === 'message.updated' ? [f] : [],
    );
    expect(replayed.map((f) => [f.type, f.message.body])).toEqual([
      ['message.new', 'while you were away'],
      ['message.updated', 'what shall we build?'],
    ]);
    expect(replayed.at(-1)).toMatchObject({ seq: subscribed.lastSeq, message: { replyCount: 2 } });
  });
});
