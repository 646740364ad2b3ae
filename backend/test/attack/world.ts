import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Room } from '@messaging-app/shared';
import {
  addMember,
  createRoom,
  joinRoom,
  postMessage,
  registerUser,
  uniqueName,
} from '../support/factories.js';
import type { TestUser } from '../support/factories.js';

/**
 * The scene of the object-level attacks: a private room with an owner and a member (who holds a
 * mention notification), a public room, and four attackers who must get nothing from either.
 */
export interface World {
  owner: TestUser;
  member: TestUser;
  privateRoom: Room;
  publicRoom: Room;
  /** A secret only the room's members may read: it must never appear in an attacker's answer. */
  secret: string;
  notificationId: string;
  /** A message in each room (the one carrying the secret): the target of edits, deletes and reactions. */
  messageIds: Record<'private' | 'public', string>;
  attackers: Record<'outsider' | 'nonMember' | 'removedMember' | 'otherRoomMember', TestUser>;
}

export async function buildWorld(server: FastifyInstance): Promise<World> {
  const owner = await registerUser(server);
  const member = await registerUser(server);
  const privateRoom = await createRoom(server, owner, {
    visibility: 'private',
    name: uniqueName('secretroom'),
  });
  const publicRoom = await createRoom(server, owner, { visibility: 'public' });
  const attackers = {
    outsider: await registerUser(server),
    nonMember: await registerUser(server),
    removedMember: await registerUser(server),
    otherRoomMember: await registerUser(server),
  };
  for (const user of [member, attackers.removedMember]) await addMember(server, owner, privateRoom.id, user);
  await joinRoom(server, member, publicRoom.id);
  const secret = `secret-${randomUUID()}`;
  const privateMessage = await postMessage(
    server,
    owner,
    privateRoom.id,
    `${secret} for @${member.user.username}`,
  );
  const publicMessage = await postMessage(server, owner, publicRoom.id, `${secret}-public`);
  const messageIds = { private: privateMessage.id, public: publicMessage.id };
  // The removed member saw the room once, then was removed: their old knowledge must buy nothing.
  const kicked = await server.inject({
    method: 'DELETE',
    url: `/api/rooms/${privateRoom.id}/participants/${attackers.removedMember.user.id}`,
    headers: owner.headers,
  });
  if (kicked.statusCode !== 204) throw new Error(`kick failed: ${kicked.body}`);
  await createRoom(server, attackers.otherRoomMember, { visibility: 'private' });
  const notifications = await server.inject({ url: '/api/notifications', headers: member.headers });
  const notificationId = notifications.json<{ notifications: Array<{ id: string }> }>().notifications[0]?.id;
  if (!notificationId) throw new Error('the member has no mention notification');
  return { owner, member, privateRoom, publicRoom, secret, notificationId, messageIds, attackers };
}

/** What the owner and the member can observe of the rooms: it must not change under attack. */
export async function snapshot(server: FastifyInstance, world: World): Promise<string> {
  const parts = [];
  for (const room of [world.privateRoom, world.publicRoom]) {
    for (const url of [
      `/api/rooms/${room.id}`,
      `/api/rooms/${room.id}/participants`,
      `/api/rooms/${room.id}/messages`,
    ]) {
      const response = await server.inject({ url, headers: world.owner.headers });
      const body = response.json<Record<string, unknown>>();
      // Online status is presence, not state.
      if (Array.isArray(body.participants)) {
        body.participants = (body.participants as Array<{ user: { id: string }; role: string }>).map((p) => ({
          id: p.user.id,
          role: p.role,
        }));
      }
      parts.push(response.statusCode, body);
    }
  }
  const notifications = await server.inject({ url: '/api/notifications', headers: world.member.headers });
  parts.push(notifications.json());
  const profile = await server.inject({ url: '/api/profile', headers: world.member.headers });
  parts.push(profile.json());
  return JSON.stringify(parts);
}
