import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@messaging-app/shared';
import { buildTestApp, testConfig } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { listeningApp } from './support/socket-suite.js';
import { WsClient, wsUrl } from './support/ws-client.js';

/** These tests register many users and post fast: the HTTP limits are someone else's tests. */
const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 100_000 };
// No built frontend: whether one exists in the tree is not what these tests are about.
const frontendDist = '/nonexistent-frontend-dist';
const suite = listeningApp({
  redisPrefix: uniqueName('ws'),
  config: { corsOrigins: ['https://chat.example.test'], limits, frontendDist },
  realtime: {
    frameBurst: 30,
    frameRatePerSecond: 10,
    typingThrottleMs: 60_000,
    presenceGraceMs: 50,
  },
});
const { connect, open } = suite;
// The deadlines themselves, short, on an app of their own: every other test here keeps the real
// ones, so a slow moment of a loaded machine is never taken for a missed auth or a dead socket.
const deadlines = listeningApp({
  redisPrefix: uniqueName('ws-deadlines'),
  config: { limits, frontendDist },
  realtime: { authTimeoutMs: 300, heartbeatMs: 200 },
});

/** A room with an owner and a member, each on a subscribed socket. */
async function chat() {
  const owner = await registerUser(suite.app.server);
  const member = await registerUser(suite.app.server);
  const room = await createRoom(suite.app.server, owner);
  await joinRoom(suite.app.server, member, room.id);
  const ownerSocket = await connect(owner);
  const memberSocket = await connect(member);
  ownerSocket.send({ type: 'subscribe', roomId: room.id });
  memberSocket.send({ type: 'subscribe', roomId: room.id });
  await ownerSocket.nextOf('subscribed');
  await memberSocket.nextOf('subscribed');
  return { owner, member, room, ownerSocket, memberSocket };
}

const isEvent = (roomId: string) => (f: ServerFrame) => 'seq' in f && f.roomId === roomId;

describe('authentication', () => {
  it('answers a valid auth frame with ready, the user and the session', async () => {
    const user = await registerUser(suite.app.server);
    const client = await open();
    client.send({ type: 'auth', token: user.accessToken });
    const ready = await client.nextOf('ready');
    expect(ready.user.id).toBe(user.user.id);
    expect(ready.user.email).toBe(user.user.email);
    expect(typeof ready.sessionId).toBe('string');
  });

  it('closes with 4401 on a bad token', async () => {
    const client = await open();
    client.send({ type: 'auth', token: 'not-a-token' });
    expect((await client.closing()).code).toBe(4401);
  });

  it('closes with 4401 when the first frame is not auth', async () => {
    const client = await open();
    client.send({ type: 'ping' });
    expect((await client.closing()).code).toBe(4401);
  });

  it('closes with 4401 when no auth frame comes before the deadline', async () => {
    const client = await deadlines.open();
    expect((await client.closing()).code).toBe(4401);
  });
});

describe('handshake', () => {
  it('refuses an Origin outside the allow-list with HTTP 403', async () => {
    await expect(WsClient.open(suite.url, { origin: 'https://evil.example.test' })).rejects.toThrow(/403/);
  });

  it('accepts a configured origin, the app’s own origin, and no origin at all', async () => {
    const user = await registerUser(suite.app.server);
    const own = new URL(suite.url).host;
    for (const origin of ['https://chat.example.test', `http://${own}`, undefined]) {
      const client = await open(origin ? { origin } : {});
      client.send({ type: 'auth', token: user.accessToken });
      await client.nextOf('ready');
    }
  });

  it('/ws/:roomId subscribes that room right after authentication', async () => {
    const owner = await registerUser(suite.app.server);
    const room = await createRoom(suite.app.server, owner);
    const client = await connect(owner, `/ws/${room.id}`);
    const subscribed = await client.nextOf('subscribed');
    expect(subscribed).toEqual({ type: 'subscribed', roomId: room.id, lastSeq: room.lastSeq });
  });
});

describe('bad frames', () => {
  it('answers malformed, unknown and invalid frames with error frames and keeps the socket open', async () => {
    const user = await registerUser(suite.app.server);
    const client = await connect(user);
    client.send('{not json');
    expect(await client.nextOf('error')).toMatchObject({ code: 'invalid_json' });
    client.send({ type: 'dance' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'unknown_type' });
    client.send([1, 2]);
    expect(await client.nextOf('error')).toMatchObject({ code: 'invalid_frame' });
    const roomId = randomUUID();
    client.send({ type: 'message.send', roomId, body: '', clientMsgId: 'nope' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'validation_failed', ref: 'nope' });
    client.send({ type: 'auth', token: user.accessToken });
    expect(await client.nextOf('error')).toMatchObject({ code: 'bad_request' });
    await client.roundTrip();
  });

  it('closes a frame over 64 KiB with 1009', async () => {
    const user = await registerUser(suite.app.server);
    const client = await connect(user);
    client.send({ type: 'ping', pad: 'x'.repeat(65 * 1024) });
    expect((await client.closing()).code).toBe(1009);
  });

  it('closes a flooding client with 1008 and nobody else notices', async () => {
    const { ownerSocket, memberSocket } = await chat();
    for (let i = 0; i < 100; i += 1) memberSocket.send({ type: 'ping' });
    expect((await memberSocket.closing()).code).toBe(1008);
    await ownerSocket.roundTrip();
  });
});

describe('heartbeat', () => {
  it('answers ping frames with pong', async () => {
    const client = await connect(await registerUser(suite.app.server));
    await client.roundTrip();
  });

  it('terminates a socket that stops answering protocol pings', async () => {
    const user = await registerUser(deadlines.app.server);
    const client = deadlines.track(await WsClient.open(deadlines.url, { autoPong: false }));
    client.send({ type: 'auth', token: user.accessToken });
    await client.nextOf('ready');
    expect((await client.closing()).code).toBe(1006);
  });
});

describe('subscribe and live delivery', () => {
  it('delivers REST and socket posts as message.new to every subscribed member, and acks the sender', async () => {
    const { owner, member, room, ownerSocket, memberSocket } = await chat();
    const posted = await postMessage(suite.app.server, owner, room.id, 'from REST');
    expect(await memberSocket.next(isEvent(room.id))).toMatchObject({
      type: 'message.new',
      seq: posted.seq,
      message: { id: posted.id },
    });
    const clientMsgId = randomUUID();
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'from socket', clientMsgId });
    const ack = await memberSocket.nextOf('message.ack');
    expect(ack.clientMsgId).toBe(clientMsgId);
    expect(ack.message).toMatchObject({
      body: 'from socket',
      seq: posted.seq + 1,
      sender: { id: member.user.id },
    });
    const seen = await ownerSocket.next(isEvent(room.id));
    expect(seen).toMatchObject({ type: 'message.new', seq: posted.seq });
    expect(await ownerSocket.next(isEvent(room.id))).toMatchObject({
      type: 'message.new',
      seq: ack.message.seq,
    });
  });

  it('acks a retried send with the original message and fans it out once', async () => {
    const { room, ownerSocket, memberSocket } = await chat();
    const clientMsgId = randomUUID();
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'once', clientMsgId });
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'once', clientMsgId });
    const first = await memberSocket.nextOf('message.ack');
    const second = await memberSocket.nextOf('message.ack');
    expect(second.message.id).toBe(first.message.id);
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'marker', clientMsgId: randomUUID() });
    const marker = await memberSocket.nextOf('message.ack');
    await ownerSocket.next((f) => f.type === 'message.new' && f.seq === marker.message.seq);
    const news = ownerSocket.received.filter(
      (f) => f.type === 'message.new' && f.message.clientMsgId === clientMsgId,
    );
    expect(news).toHaveLength(1);
  });

  it('stores sends that arrive together as one batch: each acked, each fanned out once, seqs in a row', async () => {
    const { owner, member, room, ownerSocket, memberSocket } = await chat();
    const others = await Promise.all([connect(owner), connect(member), connect(owner)]);
    const senders = [ownerSocket, memberSocket, ...others];
    const ids = senders.map(() => randomUUID());
    senders.forEach((socket, i) => {
      socket.send({ type: 'message.send', roomId: room.id, body: `together ${i}`, clientMsgId: ids[i] });
    });
    const acks = await Promise.all(senders.map((socket) => socket.nextOf('message.ack')));
    const seqs = acks.map((a) => a.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    expect(acks.map((a) => a.clientMsgId)).toEqual(ids);
    await memberSocket.next((f) => f.type === 'message.new' && f.seq === seqs[seqs.length - 1]);
    const seen = memberSocket.received.flatMap((f) => (f.type === 'message.new' ? [f.message.body] : []));
    expect(seen.sort()).toEqual(senders.map((_, i) => `together ${i}`).sort());
  });

  it('commits a client’s pipelined sends in the order it sent them', async () => {
    const { room, ownerSocket } = await chat();
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const [i, clientMsgId] of ids.entries()) {
      ownerSocket.send({ type: 'message.send', roomId: room.id, body: `in order ${i}`, clientMsgId });
    }
    const acks = [];
    for (let i = 0; i < ids.length; i += 1) acks.push(await ownerSocket.nextOf('message.ack'));
    const bySeq = [...acks].sort((a, b) => a.message.seq - b.message.seq);
    expect(bySeq.map((a) => a.clientMsgId)).toEqual(ids);
    expect(bySeq.map((a) => a.message.body)).toEqual(ids.map((_, i) => `in order ${i}`));
  });

  it('keeps a retry idempotent when both copies arrive in the same batch', async () => {
    const { member, room, ownerSocket, memberSocket } = await chat();
    const second = await connect(member);
    const clientMsgId = randomUUID();
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'twice at once', clientMsgId });
    second.send({ type: 'message.send', roomId: room.id, body: 'twice at once', clientMsgId });
    const [a, b] = await Promise.all([memberSocket.nextOf('message.ack'), second.nextOf('message.ack')]);
    expect(b.message.id).toBe(a.message.id);
    ownerSocket.send({ type: 'message.send', roomId: room.id, body: 'marker', clientMsgId: randomUUID() });
    const marker = await ownerSocket.nextOf('message.ack');
    await memberSocket.next((f) => f.type === 'message.new' && f.seq === marker.message.seq);
    const copies = memberSocket.received.filter(
      (f) => f.type === 'message.new' && f.message.clientMsgId === clientMsgId,
    );
    expect(copies).toHaveLength(1);
  });

  it('replays missed events after afterSeq in order, then subscribed, then live, with no gap and no duplicate', async () => {
    const owner = await registerUser(suite.app.server);
    const room = await createRoom(suite.app.server, owner);
    const missed = [];
    for (let i = 0; i < 5; i += 1)
      missed.push(await postMessage(suite.app.server, owner, room.id, `missed ${i}`));
    const client = await connect(owner);
    const afterSeq = (missed[1] as { seq: number }).seq;
    // Posts race with the subscription: the hand-over must neither lose nor repeat any of them.
    const racing = Promise.all(
      [0, 1, 2, 3, 4].map((i) => postMessage(suite.app.server, owner, room.id, `racing ${i}`)),
    );
    client.send({ type: 'subscribe', roomId: room.id, afterSeq });
    const subscribed = await client.nextOf('subscribed');
    const posted = await racing;
    const lastSeq = Math.max(...posted.map((m) => m.seq));
    await client.next((f) => f.type === 'message.new' && f.seq === lastSeq);
    const seqs = client.received.filter(isEvent(room.id)).map((f) => (f as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: lastSeq - afterSeq }, (_, i) => afterSeq + 1 + i));
    const order = client.received.map((f) => f.type);
    const replayed = subscribed.lastSeq - afterSeq;
    expect(order.indexOf('subscribed')).toBeGreaterThanOrEqual(1 + replayed);
  });

  it('answers resync_required past the retention bound instead of a partial replay', async () => {
    const small = await buildTestApp({ config: { eventRetention: 3, limits, frontendDist } });
    try {
      await small.server.listen({ host: '127.0.0.1', port: 0 });
      const owner = await registerUser(small.server);
      const room = await createRoom(small.server, owner);
      for (let i = 0; i < 5; i += 1) await postMessage(small.server, owner, room.id, `m${i}`);
      const client = await WsClient.connect(wsUrl(small.server), owner.accessToken);
      suite.track(client);
      client.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
      const lastSeq = room.lastSeq + 5;
      expect(await client.nextOf('resync_required')).toEqual({
        type: 'resync_required',
        roomId: room.id,
        lastSeq,
      });
      client.send({ type: 'subscribe', roomId: room.id, afterSeq: lastSeq - 3 });
      expect(await client.nextOf('subscribed')).toEqual({ type: 'subscribed', roomId: room.id, lastSeq });
      const replayed = client.received.filter(isEvent(room.id)).map((f) => (f as { seq: number }).seq);
      expect(replayed).toEqual([lastSeq - 2, lastSeq - 1, lastSeq]);
    } finally {
      await small.close();
    }
  });

  it('fills a gap left by a dropped doorbell from the database', async () => {
    const { owner, room, memberSocket } = await chat();
    // The first message's bus publication is lost; the second one reveals the gap.
    const deaf = {
      ...suite.app.ctx,
      bus: { publish: async () => undefined, subscribe: () => () => true, close: async () => undefined },
    };
    const { sendMessage } = await import('../src/services/messages/send-message.js');
    const lost = await sendMessage(deaf, { userId: owner.user.id, roomId: room.id, body: 'lost doorbell' });
    const next = await postMessage(suite.app.server, owner, room.id, 'after the gap');
    expect(await memberSocket.next(isEvent(room.id))).toMatchObject({
      seq: lost.message.seq,
      message: { body: 'lost doorbell' },
    });
    expect(await memberSocket.next(isEvent(room.id))).toMatchObject({ seq: next.seq });
  });

  it('catches every followed room up from the database when the bus says it resumed after an outage', async () => {
    const { owner, room, memberSocket } = await chat();
    const deaf = {
      ...suite.app.ctx,
      bus: { publish: async () => undefined, subscribe: () => () => true, close: async () => undefined },
    };
    const { sendMessage } = await import('../src/services/messages/send-message.js');
    const lost = await sendMessage(deaf, {
      userId: owner.user.id,
      roomId: room.id,
      body: 'sent during the outage',
    });
    await suite.app.ctx.bus.publish({ kind: 'bus.resumed' });
    expect(await memberSocket.next(isEvent(room.id))).toMatchObject({
      seq: lost.message.seq,
      message: { body: 'sent during the outage' },
    });
  });

  it('stops a room’s events after unsubscribe', async () => {
    const { owner, room, ownerSocket, memberSocket } = await chat();
    memberSocket.send({ type: 'unsubscribe', roomId: room.id });
    expect(await memberSocket.nextOf('unsubscribed')).toEqual({ type: 'unsubscribed', roomId: room.id });
    const posted = await postMessage(suite.app.server, owner, room.id, 'after unsubscribe');
    await ownerSocket.next((f) => f.type === 'message.new' && f.seq === posted.seq);
    await memberSocket.roundTrip();
    expect(memberSocket.received.filter((f) => f.type === 'message.new')).toHaveLength(0);
  });
});

describe('access', () => {
  it('a non-member can neither subscribe nor send, and receives nothing of the room', async () => {
    const { owner, room, ownerSocket } = await chat();
    const secret = await createRoom(suite.app.server, owner, { visibility: 'private' });
    const outsider = await registerUser(suite.app.server);
    const socket = await connect(outsider);
    for (const roomId of [room.id, secret.id, randomUUID()]) {
      socket.send({ type: 'subscribe', roomId });
      expect(await socket.nextOf('error')).toMatchObject({ code: 'forbidden', ref: roomId });
      const clientMsgId = randomUUID();
      socket.send({ type: 'message.send', roomId, body: 'let me in', clientMsgId });
      expect(await socket.nextOf('error')).toMatchObject({ code: 'forbidden', ref: clientMsgId });
      socket.send({ type: 'typing', roomId });
      expect(await socket.nextOf('error')).toMatchObject({ code: 'forbidden', ref: roomId });
    }
    const posted = await postMessage(suite.app.server, owner, room.id, 'members only');
    await ownerSocket.next((f) => f.type === 'message.new' && f.seq === posted.seq);
    await socket.roundTrip();
    expect(socket.received.filter((f) => f.type !== 'error' && 'roomId' in f)).toEqual([]);
  });

  it('leaving stops the room on all of the user’s sockets at once', async () => {
    const { owner, member, room, ownerSocket, memberSocket } = await chat();
    const second = await connect(member);
    second.send({ type: 'subscribe', roomId: room.id });
    await second.nextOf('subscribed');
    const left = await suite.app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/leave`,
      headers: member.headers,
    });
    expect(left.statusCode).toBe(204);
    expect(await memberSocket.nextOf('unsubscribed')).toEqual({ type: 'unsubscribed', roomId: room.id });
    expect(await second.nextOf('unsubscribed')).toEqual({ type: 'unsubscribed', roomId: room.id });
    expect(await ownerSocket.next(isEvent(room.id))).toMatchObject({
      type: 'member.left',
      user: { id: member.user.id },
    });
    const posted = await postMessage(suite.app.server, owner, room.id, 'after leaving');
    await ownerSocket.next((f) => f.type === 'message.new' && f.seq === posted.seq);
    for (const socket of [memberSocket, second]) {
      await socket.roundTrip();
      expect(socket.received.some((f) => f.type === 'message.new' || f.type === 'member.left')).toBe(false);
    }
  });

  it('joining emits member.joined to the room’s subscribers', async () => {
    const { room, ownerSocket } = await chat();
    const newcomer = await registerUser(suite.app.server);
    await joinRoom(suite.app.server, newcomer, room.id);
    expect(await ownerSocket.next(isEvent(room.id))).toMatchObject({
      type: 'member.joined',
      user: { id: newcomer.user.id },
    });
  });

  it('deleting the room unsubscribes its sockets', async () => {
    const { owner, room, memberSocket } = await chat();
    const response = await suite.app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}`,
      headers: owner.headers,
    });
    expect(response.statusCode).toBe(204);
    expect(await memberSocket.nextOf('unsubscribed')).toEqual({ type: 'unsubscribed', roomId: room.id });
  });

  it('logout closes that session’s sockets with 4409 and leaves the user’s other sessions open', async () => {
    const user = await registerUser(suite.app.server);
    const login = await suite.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: user.password },
    });
    const other = await connect({ ...user, accessToken: login.json().accessToken });
    const socket = await connect(user);
    const out = await suite.app.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: user.headers,
      payload: {},
    });
    expect(out.statusCode).toBe(204);
    expect((await socket.closing()).code).toBe(4409);
    await other.roundTrip();
  });
});

describe('ephemeral frames', () => {
  it('broadcasts typing to the other members, throttled, without a seq', async () => {
    const { owner, room, ownerSocket, memberSocket } = await chat();
    ownerSocket.send({ type: 'typing', roomId: room.id });
    ownerSocket.send({ type: 'typing', roomId: room.id });
    ownerSocket.send({ type: 'message.send', roomId: room.id, body: 'typed', clientMsgId: randomUUID() });
    const typing = await memberSocket.nextOf('typing');
    expect(typing).toEqual({
      type: 'typing',
      roomId: room.id,
      user: expect.objectContaining({ id: owner.user.id }),
    });
    await memberSocket.next((f) => f.type === 'message.new');
    expect(memberSocket.received.filter((f) => f.type === 'typing')).toHaveLength(1);
    await ownerSocket.roundTrip();
    expect(ownerSocket.received.filter((f) => f.type === 'typing')).toHaveLength(0);
  });

  it('announces a member online when their first socket opens and offline after the last closes', async () => {
    const { room, ownerSocket } = await chat();
    const late = await registerUser(suite.app.server);
    await joinRoom(suite.app.server, late, room.id);
    const socket = await connect(late);
    expect(await ownerSocket.next((f) => f.type === 'presence' && f.userId === late.user.id)).toEqual({
      type: 'presence',
      userId: late.user.id,
      status: 'online',
    });
    const participants = await suite.app.server.inject({
      url: `/api/rooms/${room.id}/participants`,
      headers: late.headers,
    });
    const mine = participants
      .json()
      .participants.find((p: { user: { id: string } }) => p.user.id === late.user.id);
    expect(mine.online).toBe(true);
    socket.close();
    expect(await ownerSocket.next((f) => f.type === 'presence' && f.userId === late.user.id)).toMatchObject({
      status: 'offline',
    });
  });

  it('delivers notification.new to a mentioned user’s sockets', async () => {
    const { owner, member, room } = await chat();
    const socket = await connect(member);
    await postMessage(suite.app.server, owner, room.id, `hello @${member.user.username}`);
    const frame = await socket.nextOf('notification.new');
    expect(frame.notification).toMatchObject({ type: 'mention', roomId: room.id });
  });
});
