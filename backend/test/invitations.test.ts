import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Invitation, Membership, Notification } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { WsClient, wsUrl } from './support/ws-client.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
});

const get = (user: TestUser, url: string) => app.server.inject({ method: 'GET', url, headers: user.headers });
const post = (user: TestUser, url: string, payload?: object) =>
  app.server.inject({ method: 'POST', url, headers: user.headers, ...(payload ? { payload } : {}) });
const add = (adder: TestUser, roomId: string, userId: string) =>
  post(adder, `/api/rooms/${roomId}/participants`, { userId });
const invitationsOf = async (user: TestUser) =>
  (await get(user, '/api/invitations')).json<{ invitations: Invitation[] }>().invitations;
const notificationsOf = async (user: TestUser) =>
  (await get(user, '/api/notifications')).json<{ notifications: Notification[] }>().notifications;
const isMember = async (user: TestUser, roomId: string) =>
  (await get(user, '/api/rooms')).json<{ rooms: Array<{ id: string }> }>().rooms.some((r) => r.id === roomId);

async function privateRoomWithStranger() {
  const owner = await registerUser(app.server);
  const stranger = await registerUser(app.server);
  const room = await createRoom(app.server, owner, { visibility: 'private' });
  return { owner, stranger, room };
}

describe('adding someone who shares no room with the adder', () => {
  it('creates a pending invitation (202) instead of a membership, and a room_invite notification', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const response = await add(owner, room.id, stranger.user.id);
    expect(response.statusCode).toBe(202);
    const invitation = response.json<Invitation>();
    expect(invitation).toMatchObject({
      status: 'pending',
      room: { id: room.id, name: room.name, visibility: 'private' },
      inviter: { id: owner.user.id },
      invitee: { id: stranger.user.id },
      respondedAt: null,
    });
    expect(await isMember(stranger, room.id)).toBe(false);
    expect((await get(stranger, `/api/rooms/${room.id}`)).statusCode).toBe(404);
    expect(await invitationsOf(stranger)).toEqual([invitation]);
    const [notification] = await notificationsOf(stranger);
    expect(notification).toMatchObject({
      type: 'room_invite',
      roomId: room.id,
      invitationId: invitation.id,
      actor: { id: owner.user.id },
    });
  });

  it('applies to public rooms too: nobody lands in a room they did not choose', async () => {
    const owner = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'public' });
    expect((await add(owner, room.id, stranger.user.id)).statusCode).toBe(202);
    expect(await isMember(stranger, room.id)).toBe(false);
  });

  it('adds at once (201 membership) someone the adder already shares a room with', async () => {
    const { owner, stranger: friend, room } = await privateRoomWithStranger();
    await acquaint(app.server, owner, friend);
    const response = await add(owner, room.id, friend.user.id);
    expect(response.statusCode).toBe(201);
    expect(response.json<Membership>()).toMatchObject({ roomId: room.id, user: { id: friend.user.id } });
    expect(await invitationsOf(friend)).toEqual([]);
  });

  it('answers a repeated add with the same pending invitation and one notification', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const first = (await add(owner, room.id, stranger.user.id)).json<Invitation>();
    const again = await add(owner, room.id, stranger.user.id);
    expect(again.statusCode).toBe(202);
    expect(again.json<Invitation>().id).toBe(first.id);
    expect(await invitationsOf(stranger)).toHaveLength(1);
    expect(await notificationsOf(stranger)).toHaveLength(1);
  });

  it('keeps the old permission rules: members may not add (403), unknown users are 404', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const member = await registerUser(app.server);
    await acquaint(app.server, owner, member);
    expect((await add(owner, room.id, member.user.id)).statusCode).toBe(201);
    expect((await add(member, room.id, stranger.user.id)).statusCode).toBe(403);
    expect((await add(owner, room.id, randomUUID())).statusCode).toBe(404);
    expect(await invitationsOf(stranger)).toEqual([]);
  });
});

describe('answering an invitation', () => {
  it('accepting joins the room with one member.joined event and clears the invitation', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const invitation = (await add(owner, room.id, stranger.user.id)).json<Invitation>();
    const socket = await WsClient.connect(wsUrl(app.server), owner.accessToken);
    try {
      socket.send({ type: 'subscribe', roomId: room.id });
      await socket.nextOf('subscribed');
      const accepted = await post(stranger, `/api/invitations/${invitation.id}/accept`);
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json<Membership>()).toMatchObject({
        roomId: room.id,
        role: 'member',
        user: { id: stranger.user.id },
      });
      const joined = await socket.nextOf('member.joined');
      expect(joined).toMatchObject({ roomId: room.id, user: { id: stranger.user.id } });
      await socket.roundTrip();
      expect(socket.received.filter((f) => f.type === 'member.joined')).toHaveLength(1);
    } finally {
      socket.close();
    }
    expect(await isMember(stranger, room.id)).toBe(true);
    expect(await invitationsOf(stranger)).toEqual([]);
    const [notification] = await notificationsOf(stranger);
    expect(notification?.readAt).not.toBeNull();
    // Accepting twice answers the membership again; declining an accepted invitation is refused.
    expect((await post(stranger, `/api/invitations/${invitation.id}/accept`)).statusCode).toBe(200);
    const decline = await post(stranger, `/api/invitations/${invitation.id}/decline`);
    expect(decline.statusCode).toBe(409);
  });

  it('declining leaves the invitee outside, is idempotent, and the invitation cannot be accepted after', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const invitation = (await add(owner, room.id, stranger.user.id)).json<Invitation>();
    expect((await post(stranger, `/api/invitations/${invitation.id}/decline`)).statusCode).toBe(204);
    expect((await post(stranger, `/api/invitations/${invitation.id}/decline`)).statusCode).toBe(204);
    expect(await invitationsOf(stranger)).toEqual([]);
    expect(await isMember(stranger, room.id)).toBe(false);
    const accept = await post(stranger, `/api/invitations/${invitation.id}/accept`);
    expect(accept.statusCode).toBe(409);
    expect(await isMember(stranger, room.id)).toBe(false);
  });

  it('nobody but the invitee may answer or see an invitation (404), not even its sender', async () => {
    const { owner, stranger, room } = await privateRoomWithStranger();
    const outsider = await registerUser(app.server);
    const invitation = (await add(owner, room.id, stranger.user.id)).json<Invitation>();
    for (const user of [owner, outsider]) {
      for (const action of ['accept', 'decline']) {
        const response = await post(user, `/api/invitations/${invitation.id}/${action}`);
        expect(response.statusCode).toBe(404);
        expect(problemOf(response).code).toBe('not_found');
      }
      expect(await invitationsOf(user)).toEqual([]);
    }
    expect((await post(stranger, `/api/invitations/${randomUUID()}/accept`)).statusCode).toBe(404);
    expect((await post(stranger, '/api/invitations/not-a-uuid/accept')).statusCode).toBe(400);
    expect(await isMember(outsider, room.id)).toBe(false);
  });

  it('an invitation whose sender has left the room cannot be accepted (409)', async () => {
    const owner = await registerUser(app.server);
    const heir = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    await acquaint(app.server, owner, heir);
    expect((await add(owner, room.id, heir.user.id)).statusCode).toBe(201);
    // The owner invites, then leaves (the heir inherits the room): the invitation no longer holds.
    const invitation = (await add(owner, room.id, stranger.user.id)).json<Invitation>();
    expect((await post(owner, `/api/rooms/${room.id}/leave`)).statusCode).toBe(204);
    const accept = await post(stranger, `/api/invitations/${invitation.id}/accept`);
    expect(accept.statusCode).toBe(409);
    expect(await isMember(stranger, room.id)).toBe(false);
  });
});
