import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Block, Invitation, Notification } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const send = (user: TestUser, method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
  app.server.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
const block = (user: TestUser, other: TestUser) => send(user, 'PUT', `/api/users/${other.user.id}/block`);
const unblock = (user: TestUser, other: TestUser) =>
  send(user, 'DELETE', `/api/users/${other.user.id}/block`);
const add = (adder: TestUser, roomId: string, userId: string) =>
  send(adder, 'POST', `/api/rooms/${roomId}/participants`, { userId });
const blocksOf = async (user: TestUser) =>
  (await send(user, 'GET', '/api/blocks')).json<{ blocks: Block[] }>().blocks;
const invitationsOf = async (user: TestUser) =>
  (await send(user, 'GET', '/api/invitations')).json<{ invitations: Invitation[] }>().invitations;
const notificationsOf = async (user: TestUser) =>
  (await send(user, 'GET', '/api/notifications')).json<{ notifications: Notification[] }>().notifications;
const roomIdsOf = async (user: TestUser) =>
  (await send(user, 'GET', '/api/rooms')).json<{ rooms: Array<{ id: string }> }>().rooms.map((r) => r.id);

describe('blocking a user', () => {
  it('is idempotent, listed, and lifted by unblock', async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    expect((await block(me, pest)).statusCode).toBe(204);
    expect((await block(me, pest)).statusCode).toBe(204);
    expect(await blocksOf(me)).toEqual([
      { user: expect.objectContaining({ id: pest.user.id }), createdAt: expect.any(String) },
    ]);
    expect(await blocksOf(pest)).toEqual([]);
    expect((await unblock(me, pest)).statusCode).toBe(204);
    expect((await unblock(me, pest)).statusCode).toBe(204);
    expect(await blocksOf(me)).toEqual([]);
  });

  it('refuses blocking oneself (400) and an unknown user (404)', async () => {
    const me = await registerUser(app.server);
    const self = await send(me, 'PUT', `/api/users/${me.user.id}/block`);
    expect(self.statusCode).toBe(400);
    expect(problemOf(self).code).toBe('bad_request');
    expect((await send(me, 'PUT', `/api/users/${randomUUID()}/block`)).statusCode).toBe(404);
    expect((await send(me, 'PUT', '/api/users/nope/block')).statusCode).toBe(400);
  });

  it("stops a blocked stranger's invitations without telling them: 202 as usual, nothing reaches the blocker", async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    const room = await createRoom(app.server, pest, { visibility: 'private' });
    await block(me, pest);
    const response = await add(pest, room.id, me.user.id);
    expect(response.statusCode).toBe(202);
    expect(response.json<Invitation>()).toMatchObject({ status: 'pending', invitee: { id: me.user.id } });
    // A repeat answers the same-looking invitation, as it would for anyone.
    expect((await add(pest, room.id, me.user.id)).json<Invitation>().id).toBe(response.json<Invitation>().id);
    expect(await invitationsOf(me)).toEqual([]);
    expect(await notificationsOf(me)).toEqual([]);
    expect(await roomIdsOf(me)).not.toContain(room.id);
    const accept = await send(me, 'POST', `/api/invitations/${response.json<Invitation>().id}/accept`);
    expect(accept.statusCode).toBe(404);
  });

  it('turns even an add from someone sharing a room into an invisible invitation', async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    await acquaint(app.server, pest, me);
    await block(me, pest);
    const room = await createRoom(app.server, pest, { visibility: 'private' });
    expect((await add(pest, room.id, me.user.id)).statusCode).toBe(202);
    expect(await roomIdsOf(me)).not.toContain(room.id);
    expect(await invitationsOf(me)).toEqual([]);
  });

  it('hides invitations that were pending when the block came', async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    const room = await createRoom(app.server, pest, { visibility: 'private' });
    const invitation = (await add(pest, room.id, me.user.id)).json<Invitation>();
    expect(await invitationsOf(me)).toHaveLength(1);
    await block(me, pest);
    expect(await invitationsOf(me)).toEqual([]);
    expect((await send(me, 'POST', `/api/invitations/${invitation.id}/accept`)).statusCode).toBe(404);
  });

  it("hides only the blocked person's invitations: others still reach the blocker", async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    const friend = await registerUser(app.server);
    const room = await createRoom(app.server, pest, { visibility: 'private' });
    await acquaint(app.server, pest, friend);
    expect((await add(pest, room.id, friend.user.id)).statusCode).toBe(201);
    await block(me, pest);
    expect((await add(pest, room.id, me.user.id)).statusCode).toBe(202);
    // The friend shares a room with the pest, not with me: their own room's invitation reaches me.
    const other = await createRoom(app.server, friend, { visibility: 'private' });
    expect((await add(friend, other.id, me.user.id)).statusCode).toBe(202);
    const mine = await invitationsOf(me);
    expect(mine.map((i) => i.room.id)).toEqual([other.id]);
  });

  it('after unblocking, new invitations reach the user again', async () => {
    const me = await registerUser(app.server);
    const pest = await registerUser(app.server);
    await block(me, pest);
    await unblock(me, pest);
    const room = await createRoom(app.server, pest, { visibility: 'private' });
    expect((await add(pest, room.id, me.user.id)).statusCode).toBe(202);
    expect(await invitationsOf(me)).toHaveLength(1);
  });
});
