import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Membership, ServerFrame } from '@messaging-app/shared';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, joinRoom, problemOf, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { WsClient, wsUrl } from './support/ws-client.js';

let app: TestApp;
const clients: WsClient[] = [];
beforeAll(async () => {
  const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000, apiPerMinute: 1_000_000 };
  app = await buildTestApp({
    redisPrefix: uniqueName('settings'),
    config: { limits, frontendDist: '/nonexistent-frontend-dist' },
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await app.close();
});

const setRole = (actor: TestUser, roomId: string, userId: string, role: unknown) =>
  app.server.inject({
    method: 'PATCH',
    url: `/api/rooms/${roomId}/members/${userId}`,
    headers: actor.headers,
    payload: { role },
  });

async function scene(visibility: 'public' | 'private' = 'public') {
  const ann = await registerUser(app.server);
  const bob = await registerUser(app.server);
  const cid = await registerUser(app.server);
  const room = await createRoom(app.server, ann, { visibility });
  for (const user of [bob, cid]) {
    await acquaint(app.server, ann, user);
    const added = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/participants`,
      headers: ann.headers,
      payload: { userId: user.user.id },
    });
    if (added.statusCode !== 201) throw new Error(`add answered ${added.statusCode}`);
  }
  return { ann, bob, cid, room };
}

describe('changing a member’s role', () => {
  it('lets the owner promote and demote, each a member.updated event with the actor and role', async () => {
    const { ann, bob, room } = await scene();
    const socket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(socket);
    socket.send({ type: 'subscribe', roomId: room.id });
    await socket.nextOf('subscribed');
    const promoted = await setRole(ann, room.id, bob.user.id, 'admin');
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<Membership>()).toMatchObject({ role: 'admin', user: { id: bob.user.id } });
    const event = await socket.next((f: ServerFrame) => f.type === 'member.updated');
    expect(event).toMatchObject({ user: { id: bob.user.id }, actor: { id: ann.user.id }, role: 'admin' });
    // The new admin may now do what admins do.
    const renamed = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: bob.headers,
      payload: { description: 'by the new admin' },
    });
    expect(renamed.statusCode).toBe(200);
    // Asking again for the same role changes nothing and records nothing.
    expect((await setRole(ann, room.id, bob.user.id, 'admin')).statusCode).toBe(200);
    expect((await setRole(ann, room.id, bob.user.id, 'member')).json<Membership>().role).toBe('member');
    const replay = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(replay);
    replay.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
    await replay.nextOf('subscribed');
    const updates = replay.received.filter((f) => f.type === 'member.updated');
    expect(updates.map((f) => ('role' in f ? f.role : null))).toEqual(['admin', 'member']);
  });

  it('refuses anyone but the owner with 403 (an admin too), and an outsider of a private room with 404', async () => {
    const { ann, bob, cid, room } = await scene('private');
    expect((await setRole(ann, room.id, bob.user.id, 'admin')).statusCode).toBe(200);
    expect((await setRole(bob, room.id, cid.user.id, 'admin')).statusCode).toBe(403);
    expect((await setRole(cid, room.id, bob.user.id, 'member')).statusCode).toBe(403);
    const eve = await registerUser(app.server);
    expect((await setRole(eve, room.id, bob.user.id, 'member')).statusCode).toBe(404);
  });

  it('refuses bad roles, the owner’s own role and non-members without a 500', async () => {
    const { ann, room } = await scene();
    const stranger = await registerUser(app.server);
    for (const role of ['owner', 'god', 1, null]) {
      const response = await setRole(ann, room.id, stranger.user.id, role);
      expect(response.statusCode, String(role)).toBe(400);
    }
    expect((await setRole(ann, room.id, ann.user.id, 'member')).statusCode).toBe(400);
    expect((await setRole(ann, room.id, stranger.user.id, 'admin')).statusCode).toBe(404);
    const badId = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}/members/nope`,
      headers: ann.headers,
      payload: { role: 'admin' },
    });
    expect(badId.statusCode).toBe(400);
  });
});

describe('membership changes in the timeline', () => {
  it('names who added and who removed a member, live and on replay', async () => {
    const { ann, bob, room } = await scene();
    const dan = await registerUser(app.server);
    await acquaint(app.server, ann, dan);
    const socket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(socket);
    socket.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
    await socket.nextOf('subscribed');
    const joinedBefore = socket.received.filter((f) => f.type === 'member.joined');
    expect(joinedBefore.every((f) => 'actor' in f && f.actor?.id === ann.user.id)).toBe(true);
    await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/participants`,
      headers: ann.headers,
      payload: { userId: dan.user.id },
    });
    const added = await socket.next((f) => f.type === 'member.joined' && f.user.id === dan.user.id);
    expect(added).toMatchObject({ actor: { id: ann.user.id } });
    await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${dan.user.id}`,
      headers: ann.headers,
    });
    const removed = await socket.next((f) => f.type === 'member.left' && f.user.id === dan.user.id);
    expect(removed).toMatchObject({ actor: { id: ann.user.id } });
    // Someone who joins or leaves by themself has no actor.
    const eve = await registerUser(app.server);
    await joinRoom(app.server, eve, room.id);
    const joined = await socket.next((f) => f.type === 'member.joined' && f.user.id === eve.user.id);
    expect('actor' in joined ? joined.actor : undefined).toBeUndefined();
  });
});

describe('room settings as room events', () => {
  it('a rename is a room.updated event with the next seq, live to every member and in a replay, with who made it', async () => {
    const { ann, bob, room } = await scene();
    const socket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(socket);
    socket.send({ type: 'subscribe', roomId: room.id });
    const { lastSeq } = await socket.nextOf('subscribed');
    const name = uniqueName('renamed');
    const renamed = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: ann.headers,
      payload: { name, description: 'Where we decide' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name, lastSeq: lastSeq + 1 });
    const live = await socket.next((f) => f.type === 'room.updated');
    expect(live).toEqual({
      type: 'room.updated',
      roomId: room.id,
      seq: lastSeq + 1,
      name,
      description: 'Where we decide',
      visibility: 'public',
      actor: expect.objectContaining({ id: ann.user.id }),
    });

    // A member who was away gets it in the replay, with the room as it is now.
    const later = uniqueName('later');
    await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: ann.headers,
      payload: { name: later },
    });
    const away = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    clients.push(away);
    away.send({ type: 'subscribe', roomId: room.id, afterSeq: lastSeq });
    await away.nextOf('subscribed');
    const replayed = away.received.filter((f) => f.type === 'room.updated');
    expect(replayed.map((f) => ('seq' in f ? f.seq : null))).toEqual([lastSeq + 1, lastSeq + 2]);
    expect(replayed.every((f) => 'name' in f && f.name === later)).toBe(true);
    // A refused rename (a member is not an admin) is no event.
    const refused = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: bob.headers,
      payload: { name: uniqueName('nope') },
    });
    expect(refused.statusCode).toBe(403);
    const current = await app.server.inject({ url: `/api/rooms/${room.id}`, headers: bob.headers });
    expect(current.json()).toMatchObject({ name: later, lastSeq: lastSeq + 2 });
  });
});

describe('room names', () => {
  it('refuses a second public room with the same name up to case (409), at create and rename', async () => {
    const ann = await registerUser(app.server);
    const name = uniqueName('General');
    await createRoom(app.server, ann, { name });
    const twin = await app.server.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: ann.headers,
      payload: { name: `  ${name.toUpperCase()} `, visibility: 'public' },
    });
    expect(twin.statusCode).toBe(409);
    expect(problemOf(twin)).toMatchObject({ code: 'conflict', errors: [{ path: 'body.name' }] });
    // Private rooms may share a name; making one public with a taken name is refused.
    const secret = await createRoom(app.server, ann, { name: name.toLowerCase(), visibility: 'private' });
    const exposed = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${secret.id}`,
      headers: ann.headers,
      payload: { visibility: 'public' },
    });
    expect(exposed.statusCode).toBe(409);
    const other = await createRoom(app.server, ann);
    const renamed = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${other.id}`,
      headers: ann.headers,
      payload: { name: name.toLowerCase() },
    });
    expect(renamed.statusCode).toBe(409);
    // Renaming a room to its own name in another case is fine.
    const self = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${other.id}`,
      headers: ann.headers,
      payload: { name: other.name.toUpperCase() },
    });
    expect(self.statusCode).toBe(200);
  });
});
