import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@messaging-app/shared';
import { createRoom, joinRoom, registerUser, uniqueName } from './support/factories.js';
import { listeningApp } from './support/socket-suite.js';
import type { WsClient } from './support/ws-client.js';
import { eventually } from './support/eventually.js';

/*
 * Issue 17 items 3, 7 and 9 (origin): one account can neither open sockets without bound, nor make
 * the server replay without bound, nor get a 500 from the handshake.
 */

const perSocket = 250;
const perUser = 400;
const suite = listeningApp({
  redisPrefix: uniqueName('wsc'),
  config: { corsOrigins: ['https://chat.example.test'], frontendDist: '/nonexistent' },
  limits: {
    wsSocketsPerUser: 3,
    wsUnauthenticatedPerAddress: 3,
    wsReplayPerSocket: perSocket,
    wsReplayPerUser: perUser,
  },
});
const { connect } = suite;
const open = () => suite.open();

/** The status code of a WebSocket handshake with this Origin header. */
function handshakeStatus(origin: string): Promise<number> {
  const { port } = new URL(suite.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/ws',
      agent: false,
      headers: {
        origin,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from(randomUUID().slice(0, 16)).toString('base64'),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error) => reject(new Error(`${origin}: ${error.message}`)));
    req.end();
  });
}

describe('handshake origins', () => {
  it('refuses opaque origins (null, file://, chrome-extension://, data:) with 403, never 500', async () => {
    for (const origin of [
      'null',
      'file://',
      'file:///etc/passwd',
      'chrome-extension://abcdef',
      'data:',
      'not a url',
    ]) {
      expect({ origin, status: await handshakeStatus(origin) }).toEqual({ origin, status: 403 });
    }
    expect(await handshakeStatus('https://chat.example.test')).toBe(101);
  });
});

describe('socket caps', () => {
  it('closes a user’s socket beyond the per-user cap with 1008 and a reason; another user is not affected; a closed one frees its slot', async () => {
    const user = await registerUser(suite.app.server);
    const other = await registerUser(suite.app.server);
    const first = await connect(user);
    const held = [first, await connect(user), await connect(user)];
    const extra = await open();
    extra.send({ type: 'auth', token: user.accessToken });
    const closed = await extra.closing();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/too many sockets for this user/);
    expect(extra.received.map((f) => f.type)).not.toContain('ready');

    await connect(other);
    for (const socket of held) await socket.roundTrip();
    first.close();
    await first.closed;
    await connect(user);
  });

  it('closes unauthenticated sockets beyond the per-address cap with 1008; authenticating frees the slot', async () => {
    const user = await registerUser(suite.app.server);
    const first = await open();
    const waiting = [first, await open(), await open()];
    const extra = await open();
    const closed = await extra.closing();
    expect(closed).toEqual({ code: 1008, reason: expect.stringMatching(/too many unauthenticated sockets/) });
    // The waiting ones are still there and may authenticate; then a new handshake is accepted again.
    first.send({ type: 'auth', token: user.accessToken });
    await first.nextOf('ready');
    const next = await open();
    next.send({ type: 'auth', token: user.accessToken });
    await next.nextOf('ready');
    for (const socket of waiting.slice(1)) socket.close();
    await Promise.all(waiting.slice(1).map((socket) => socket.closed));
  });
});

describe('replay budgets', () => {
  /** A room with `count` stored messages, and a member who has not seen them. */
  async function roomWithHistory(count: number) {
    const owner = await registerUser(suite.app.server);
    const reader = await registerUser(suite.app.server);
    const room = await createRoom(suite.app.server, owner);
    await joinRoom(suite.app.server, reader, room.id);
    const writer = await connect(owner);
    for (let i = 0; i < count; i++) {
      writer.send({ type: 'message.send', roomId: room.id, body: `event ${i}`, clientMsgId: randomUUID() });
    }
    for (let i = 0; i < count; i++) await writer.nextOf('message.ack');
    writer.close();
    return { owner, reader, room };
  }

  const replayedOf = (socket: WsClient, roomId: string) =>
    socket.received.filter((f: ServerFrame) => 'seq' in f && f.roomId === roomId).length;

  it('100 subscribe {afterSeq: 0} frames in a room of ~100 events replay at most the socket’s budget, answer rate_limited with a retry, and never close the socket', async () => {
    const { reader, room } = await roomWithHistory(100);
    const started = Date.now();
    const attacker = await connect(reader);
    for (let i = 0; i < 100; i++) attacker.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
    // Every replay has ended (delivered, superseded or refused) once the gateway is idle.
    await eventually(() => suite.app.realtimeStats().tasks === 0, 'every replay to end', 15_000);
    await attacker.roundTrip();
    const elapsedMinutes = (Date.now() - started) / 60_000;
    const replayed = replayedOf(attacker, room.id);
    // Without a budget: 100 × 101 = 10,100 events. The bucket refills its capacity per minute.
    expect(replayed).toBeLessThanOrEqual(Math.floor(perSocket * (1 + elapsedMinutes)));
    const limited = attacker.received.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    for (const error of limited) {
      expect(error).toMatchObject({ roomId: room.id });
      expect(typeof (error as { retryAfterMs?: unknown }).retryAfterMs).toBe('number');
    }
    expect(attacker.socket.readyState).toBe(attacker.socket.OPEN);
    await attacker.roundTrip();
  });

  it('a user’s sockets together replay at most the per-user budget', async () => {
    const { reader, room } = await roomWithHistory(100);
    const started = Date.now();
    const sockets = [await connect(reader), await connect(reader), await connect(reader)];
    // Each socket on its own could replay 250; together they share 400.
    for (const socket of sockets) {
      for (let i = 0; i < 3; i++) {
        socket.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
        await socket.next((f) => (f.type === 'subscribed' || f.type === 'error') && 'roomId' in f, 15_000);
      }
    }
    const elapsedMinutes = (Date.now() - started) / 60_000;
    const replayed = sockets.reduce((sum, socket) => sum + replayedOf(socket, room.id), 0);
    expect(replayed).toBeLessThanOrEqual(Math.floor(perUser * (1 + elapsedMinutes)));
    const limited = sockets
      .flatMap((s) => s.received)
      .filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    for (const socket of sockets) socket.close();
  });
});
