import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages } from '../src/db/schema.js';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { freePort, startRedis } from './support/realtime-cluster.js';
import type { Child } from './support/realtime-cluster.js';
import { WsClient, wsUrl } from './support/ws-client.js';
import type { GatewayOptions } from '../src/websocket/options.js';

/**
 * Authority that cannot be dropped. A kick or a logout reaches the sockets on other instances as a
 * Redis pub/sub message, which Redis may drop. Here it is really dropped: the instances' bus runs on
 * a private redis-server that the test kills around the kick or the logout (or the instances are
 * partitioned onto different channels), and the socket on the other instance must still lose the
 * room, have its sends refused and be closed.
 */

const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 1_000_000 };
const frontendDist = '/nonexistent-frontend-dist';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two API instances on one PostgreSQL database, each with its own bus settings. */
async function twoInstances(options: {
  redisUrl?: string;
  prefixes: [string, string];
  realtime: Partial<GatewayOptions>;
}): Promise<[TestApp, TestApp]> {
  const one = await buildTestApp({
    redisPrefix: options.prefixes[0],
    redisUrl: options.redisUrl,
    config: { limits, frontendDist },
  });
  cleanups.push(() => one.close());
  const two = await buildTestApp({
    sharing: one,
    redisPrefix: options.prefixes[1],
    redisUrl: options.redisUrl,
    config: { limits, frontendDist },
    realtime: options.realtime,
  });
  cleanups.push(() => two.close());
  await two.server.listen({ host: '127.0.0.1', port: 0 });
  return [one, two];
}

async function privateRedis(): Promise<{ url: string; port: number; server: Child }> {
  const port = await freePort();
  const server = await startRedis(port);
  const handle = { url: `redis://127.0.0.1:${port}`, port, server };
  cleanups.push(() => handle.server.stop('SIGKILL'));
  return handle;
}

/**
 * Two instances whose bus runs on a private Redis the test may kill, and a room of an owner and a
 * member. Periodic revalidation is far away: only the bus, or its resume, can take access away here.
 */
async function roomAcrossOneBus() {
  const redis = await privateRedis();
  const prefix = uniqueName('authority');
  const [one, two] = await twoInstances({
    redisUrl: redis.url,
    prefixes: [prefix, prefix],
    realtime: { revalidateMs: 600_000 },
  });
  const owner = await registerUser(one.server);
  const member = await registerUser(one.server);
  const room = await createRoom(one.server, owner);
  await joinRoom(one.server, member, room.id);
  return { redis, one, two, owner, member, room };
}

async function subscribed(app: TestApp, user: TestUser, roomId: string): Promise<WsClient> {
  const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);
  cleanups.push(async () => socket.close());
  socket.send({ type: 'subscribe', roomId });
  await socket.nextOf('subscribed');
  return socket;
}

/** Posts through `app` and waits until `observer` (a member's socket there) has it, then syncs `socket`. */
async function postAndSettle(
  app: TestApp,
  owner: TestUser,
  roomId: string,
  observer: WsClient,
  socket: WsClient,
) {
  const posted = await postMessage(app.server, owner, roomId, `after ${randomUUID()}`);
  await observer.next((f) => f.type === 'message.new' && f.seq === posted.seq);
  await socket.roundTrip();
  return posted;
}

const hasMessage = (socket: WsClient, seq: number) =>
  socket.received.some((f) => f.type === 'message.new' && f.seq === seq);

describe('a kick whose bus message is lost', () => {
  it('detaches the kicked member’s room when the bus resumes', async () => {
    const { redis, one, two, owner, member, room } = await roomAcrossOneBus();
    const ownerSocket = await subscribed(two, owner, room.id);
    const memberSocket = await subscribed(two, member, room.id);

    // Redis dies: the kick on instance one publishes into the void.
    await redis.server.stop('SIGKILL');
    const kick = await one.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${member.user.id}`,
      headers: owner.headers,
    });
    expect(kick.statusCode).toBe(204);
    expect(memberSocket.received.some((f) => f.type === 'unsubscribed')).toBe(false);

    redis.server = await startRedis(redis.port);
    expect(await memberSocket.next((f) => f.type === 'unsubscribed' && f.roomId === room.id, 15_000)).toEqual(
      { type: 'unsubscribed', roomId: room.id },
    );

    // Nothing of the room reaches the kicked member any more, and their sends are refused.
    const posted = await postAndSettle(two, owner, room.id, ownerSocket, memberSocket);
    expect(hasMessage(memberSocket, posted.seq)).toBe(false);
    const clientMsgId = randomUUID();
    memberSocket.send({ type: 'message.send', roomId: room.id, body: 'still here?', clientMsgId });
    expect(await memberSocket.nextOf('error')).toMatchObject({ code: 'forbidden', ref: clientMsgId });
    expect(memberSocket.received.some((f) => f.type === 'message.ack')).toBe(false);
  });
});

describe('a logout whose bus message is lost', () => {
  it('refuses the logged-out socket’s sends (never acked), closes it with 4409, and closes the session’s other sockets when the bus resumes', async () => {
    const { redis, one, two, member, room } = await roomAcrossOneBus();
    const sending = await subscribed(two, member, room.id);
    const idle = await subscribed(two, member, room.id);

    await redis.server.stop('SIGKILL');
    const logout = await one.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: member.headers,
      payload: {},
    });
    expect(logout.statusCode).toBe(204);

    // The socket never heard of the logout; its send is refused in the send's own transaction.
    const clientMsgId = randomUUID();
    sending.send({ type: 'message.send', roomId: room.id, body: 'after logout', clientMsgId });
    expect(await sending.nextOf('error')).toMatchObject({ code: 'session_revoked', ref: clientMsgId });
    expect((await sending.closing()).code).toBe(4409);
    expect(sending.received.some((f) => f.type === 'message.ack')).toBe(false);
    const stored = await one.ctx.db.select().from(messages).where(eq(messages.clientMsgId, clientMsgId));
    expect(stored).toHaveLength(0);

    // The session's idle socket goes when the bus comes back.
    redis.server = await startRedis(redis.port);
    expect((await idle.closing(15_000)).code).toBe(4409);
  });
});

describe('kicks and logouts whose bus messages never arrive', () => {
  it('lose their access within the revalidation interval', async () => {
    // The instances publish on different channels: nothing one says ever reaches two, and two's bus
    // never resumes. Only the periodic revalidation can act.
    const [one, two] = await twoInstances({
      prefixes: [uniqueName('authority'), uniqueName('authority')],
      realtime: { revalidateMs: 200 },
    });
    const owner = await registerUser(one.server);
    const kicked = await registerUser(one.server);
    const leaving = await registerUser(one.server);
    const room = await createRoom(one.server, owner);
    await joinRoom(one.server, kicked, room.id);
    await joinRoom(one.server, leaving, room.id);
    const ownerSocket = await subscribed(two, owner, room.id);
    const kickedSocket = await subscribed(two, kicked, room.id);
    const leavingSocket = await subscribed(two, leaving, room.id);

    const kick = await one.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${kicked.user.id}`,
      headers: owner.headers,
    });
    expect(kick.statusCode).toBe(204);
    const logout = await one.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: leaving.headers,
      payload: {},
    });
    expect(logout.statusCode).toBe(204);

    expect(await kickedSocket.next((f) => f.type === 'unsubscribed' && f.roomId === room.id, 10_000)).toEqual(
      { type: 'unsubscribed', roomId: room.id },
    );
    expect((await leavingSocket.closing(10_000)).code).toBe(4409);
    const posted = await postAndSettle(two, owner, room.id, ownerSocket, kickedSocket);
    expect(hasMessage(kickedSocket, posted.seq)).toBe(false);
  });
});
