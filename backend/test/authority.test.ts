import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, revokeSession } from '../src/services/auth/sessions.js';
import { removeParticipant } from '../src/services/rooms/membership.js';
import type { AppContext } from '../src/services/context.js';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, registerUser } from './support/factories.js';
import { WsClient, wsUrl } from './support/ws-client.js';

/**
 * Every send re-checks the session and the membership in its own transaction, whatever the socket
 * heard. The bus message is dropped here by acting through a context whose bus publishes nothing
 * (authority.services.test.ts drops it on a real Redis instead).
 */

let app: TestApp;
let deaf: AppContext;
const clients: WsClient[] = [];
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000 };
  app = await buildTestApp({
    config: { limits, frontendDist: '/nonexistent-frontend-dist' },
    realtime: { revalidateMs: 600_000 },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  deaf = {
    ...app.ctx,
    bus: { publish: async () => undefined, subscribe: () => () => true, close: async () => undefined },
  };
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

async function memberOnSocket() {
  const owner = await registerUser(app.server);
  const member = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  await joinRoom(app.server, member, room.id);
  const socket = await WsClient.connect(wsUrl(app.server), member.accessToken);
  clients.push(socket);
  socket.send({ type: 'subscribe', roomId: room.id });
  await socket.nextOf('subscribed');
  return { owner, member, room, socket };
}

describe('a send re-checks its authority', () => {
  it('refuses a send from a session revoked without the socket hearing of it, and closes it with 4409', async () => {
    const { member, room, socket } = await memberOnSocket();
    const { sessionId } = await authenticate(app.ctx, member.accessToken);
    await revokeSession(deaf, sessionId, 'logout');
    const clientMsgId = randomUUID();
    socket.send({ type: 'message.send', roomId: room.id, body: 'after logout', clientMsgId });
    expect(await socket.nextOf('error')).toMatchObject({ code: 'session_revoked', ref: clientMsgId });
    expect((await socket.closing()).code).toBe(4409);
    expect(socket.received.some((f) => f.type === 'message.ack')).toBe(false);
  });

  it('refuses a send from a member removed without the socket hearing of it, and detaches the room', async () => {
    const { owner, member, room, socket } = await memberOnSocket();
    await removeParticipant(deaf, await authenticate(app.ctx, owner.accessToken), room.id, member.user.id);
    const clientMsgId = randomUUID();
    socket.send({ type: 'message.send', roomId: room.id, body: 'after the kick', clientMsgId });
    expect(await socket.nextOf('error')).toMatchObject({ code: 'forbidden', ref: clientMsgId });
    expect(await socket.nextOf('unsubscribed')).toEqual({ type: 'unsubscribed', roomId: room.id });
    expect(socket.received.some((f) => f.type === 'message.ack')).toBe(false);
  });
});
