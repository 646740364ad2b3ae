import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Ban, Invitation } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { WsClient, wsUrl } from './support/ws-client.js';
import { and, eq } from 'drizzle-orm';
import { roomParticipants } from '../src/db/schema.js';
import { forgetMembership } from '../src/cache/caches.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

const send = (user: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  app.server.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
const ban = (by: TestUser, roomId: string, userId: string) =>
  send(by, 'POST', `/api/rooms/${roomId}/bans`, { userId });
const unban = (by: TestUser, roomId: string, userId: string) =>
  send(by, 'DELETE', `/api/rooms/${roomId}/bans/${userId}`);
const join = (user: TestUser, roomId: string) => send(user, 'POST', `/api/rooms/${roomId}/join`);
const memberIds = async (viewer: TestUser, roomId: string) =>
  (await send(viewer, 'GET', `/api/rooms/${roomId}/participants`))
    .json<{ participants: Array<{ user: { id: string } }> }>()
    .participants.map((p) => p.user.id);

async function publicRoomWithMember() {
  const owner = await registerUser(app.server);
  const member = await registerUser(app.server);
  const room = await createRoom(app.server, owner, { visibility: 'public' });
  await joinRoom(app.server, member, room.id);
  return { owner, member, room };
}

describe('banning from a public room', () => {
  it('removes the member with exactly one member.left, and the banned cannot rejoin (403 banned)', async () => {
    const { owner, member, room } = await publicRoomWithMember();
    const socket = await WsClient.connect(wsUrl(app.server), owner.accessToken);
    try {
      socket.send({ type: 'subscribe', roomId: room.id });
      await socket.nextOf('subscribed');
      const response = await ban(owner, room.id, member.user.id);
      expect(response.statusCode).toBe(201);
      expect(response.json<Ban>()).toMatchObject({
        roomId: room.id,
        user: { id: member.user.id },
        bannedBy: { id: owner.user.id },
      });
      expect(await socket.nextOf('member.left')).toMatchObject({ user: { id: member.user.id } });
      await socket.roundTrip();
      expect(socket.received.filter((f) => f.type === 'member.left')).toHaveLength(1);
    } finally {
      socket.close();
    }
    expect(await memberIds(owner, room.id)).not.toContain(member.user.id);
    const rejoin = await join(member, room.id);
    expect(rejoin.statusCode).toBe(403);
    expect(problemOf(rejoin).code).toBe('banned');
    expect(await memberIds(owner, room.id)).not.toContain(member.user.id);
  });

  it('is idempotent (200 the second time) and listed for owners and admins only', async () => {
    const { owner, member, room } = await publicRoomWithMember();
    expect((await ban(owner, room.id, member.user.id)).statusCode).toBe(201);
    const again = await ban(owner, room.id, member.user.id);
    expect(again.statusCode).toBe(200);
    const list = await send(owner, 'GET', `/api/rooms/${room.id}/bans`);
    expect(list.statusCode).toBe(200);
    expect(list.json<{ bans: Ban[] }>().bans.map((b) => b.user.id)).toEqual([member.user.id]);
    const bystander = await registerUser(app.server);
    await joinRoom(app.server, bystander, room.id);
    expect((await send(bystander, 'GET', `/api/rooms/${room.id}/bans`)).statusCode).toBe(403);
  });

  it('a plain member cannot ban (403) and changes nothing', async () => {
    const { owner, member, room } = await publicRoomWithMember();
    const other = await registerUser(app.server);
    await joinRoom(app.server, other, room.id);
    const response = await ban(member, room.id, other.user.id);
    expect(response.statusCode).toBe(403);
    expect(problemOf(response).code).toBe('forbidden');
    expect((await ban(member, room.id, owner.user.id)).statusCode).toBe(403);
    expect((await unban(member, room.id, other.user.id)).statusCode).toBe(403);
    expect(await memberIds(owner, room.id)).toEqual(expect.arrayContaining([member.user.id, other.user.id]));
  });

  it('outsiders get 403 on a public room and 404 on a private one', async () => {
    const { owner, member, room } = await publicRoomWithMember();
    const outsider = await registerUser(app.server);
    expect((await ban(outsider, room.id, member.user.id)).statusCode).toBe(403);
    const secret = await createRoom(app.server, owner, { visibility: 'private' });
    expect((await ban(outsider, secret.id, owner.user.id)).statusCode).toBe(404);
    expect((await send(outsider, 'GET', `/api/rooms/${secret.id}/bans`)).statusCode).toBe(404);
  });

  it('refuses banning oneself (400) and an unknown user (404)', async () => {
    const { owner, room } = await publicRoomWithMember();
    expect((await ban(owner, room.id, owner.user.id)).statusCode).toBe(400);
    expect((await ban(owner, room.id, randomUUID())).statusCode).toBe(404);
  });

  it('can ban someone who already left, before they come back', async () => {
    const owner = await registerUser(app.server);
    const troll = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'public' });
    expect((await ban(owner, room.id, troll.user.id)).statusCode).toBe(201);
    expect(problemOf(await join(troll, room.id)).code).toBe('banned');
  });

  it('a banned user cannot be re-added nor invited until unbanned; after unbanning they may join', async () => {
    const { owner, member, room } = await publicRoomWithMember();
    await ban(owner, room.id, member.user.id);
    const readd = await send(owner, 'POST', `/api/rooms/${room.id}/participants`, { userId: member.user.id });
    expect(readd.statusCode).toBe(403);
    expect(problemOf(readd).code).toBe('banned');
    const stranger = await registerUser(app.server);
    const strangersRoom = await createRoom(app.server, owner, { visibility: 'private' });
    await ban(owner, strangersRoom.id, stranger.user.id);
    const invite = await send(owner, 'POST', `/api/rooms/${strangersRoom.id}/participants`, {
      userId: stranger.user.id,
    });
    expect(invite.statusCode).toBe(403);
    expect((await unban(owner, room.id, member.user.id)).statusCode).toBe(204);
    expect((await unban(owner, room.id, member.user.id)).statusCode).toBe(204);
    expect((await join(member, room.id)).statusCode).toBe(200);
  });

  it('a ban voids a pending invitation: accepting it afterwards is refused', async () => {
    const owner = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    const invitation = (
      await send(owner, 'POST', `/api/rooms/${room.id}/participants`, { userId: stranger.user.id })
    ).json<Invitation>();
    await ban(owner, room.id, stranger.user.id);
    const accept = await send(stranger, 'POST', `/api/invitations/${invitation.id}/accept`);
    expect(accept.statusCode).toBe(409);
    expect(await memberIds(owner, room.id)).not.toContain(stranger.user.id);
  });

  it('an admin cannot ban another admin or the owner; the owner can ban an admin', async () => {
    const { owner, member: admin, room } = await publicRoomWithMember();
    // No promotion endpoint exists yet: promote in the database, and drop the cached membership.
    const { db } = app.db.database;
    await db
      .update(roomParticipants)
      .set({ role: 'admin' })
      .where(and(eq(roomParticipants.roomId, room.id), eq(roomParticipants.userId, admin.user.id)));
    await forgetMembership(db, room.id, admin.user.id);
    expect((await ban(admin, room.id, owner.user.id)).statusCode).toBe(403);
    expect((await ban(owner, room.id, admin.user.id)).statusCode).toBe(201);
    expect(await memberIds(owner, room.id)).not.toContain(admin.user.id);
  });
});
