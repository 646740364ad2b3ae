import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import {
  acquaint,
  createRoom,
  joinRoom,
  postMessage,
  problemOf,
  registerUser,
  uniqueName,
} from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const get = (user: TestUser, url: string) => app.server.inject({ method: 'GET', url, headers: user.headers });
const post = (user: TestUser, url: string, payload?: object) =>
  app.server.inject({ method: 'POST', url, headers: user.headers, ...(payload ? { payload } : {}) });

describe('creating and reading rooms', () => {
  it('creates a room with the caller as owner', async () => {
    const owner = await registerUser(app.server);
    const response = await post(owner, '/api/rooms', {
      name: '  General ',
      description: 'talk',
      visibility: 'private',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'General',
      description: 'talk',
      visibility: 'private',
      lastSeq: 0,
      role: 'owner',
      memberCount: 1,
    });
  });

  it('rejects an empty or overlong name and an unknown visibility with 400', async () => {
    const owner = await registerUser(app.server);
    for (const payload of [{ name: '   ' }, { name: 'x'.repeat(81) }, { name: 'ok', visibility: 'secret' }]) {
      const response = await post(owner, '/api/rooms', payload);
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
  });

  it('lists my rooms with role, unread count and last message', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    await postMessage(app.server, owner, room.id, 'one');
    await postMessage(app.server, owner, room.id, 'two');
    const response = await get(member, '/api/rooms');
    expect(response.statusCode).toBe(200);
    const mine = response.json().rooms.find((r: { id: string }) => r.id === room.id);
    expect(mine).toMatchObject({ role: 'member', unreadCount: 2, lastMessage: { body: 'two' } });
    const ownerView = (await get(owner, '/api/rooms'))
      .json()
      .rooms.find((r: { id: string }) => r.id === room.id);
    expect(ownerView).toMatchObject({ role: 'owner', unreadCount: 0 });
  });

  it('hides a private room from outsiders with 404 and shows a public one', async () => {
    const owner = await registerUser(app.server);
    const outsider = await registerUser(app.server);
    const secret = await createRoom(app.server, owner, { visibility: 'private' });
    const open = await createRoom(app.server, owner, { visibility: 'public' });
    expect((await get(outsider, `/api/rooms/${secret.id}`)).statusCode).toBe(404);
    const visible = await get(outsider, `/api/rooms/${open.id}`);
    expect(visible.statusCode).toBe(200);
    expect(visible.json().role).toBeNull();
    expect((await get(outsider, `/api/rooms/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('discovers public rooms I have not joined, filtered by name', async () => {
    const owner = await registerUser(app.server);
    const seeker = await registerUser(app.server);
    const tag = uniqueName('disc');
    const open = await createRoom(app.server, owner, { name: `${tag} lounge` });
    const secret = await createRoom(app.server, owner, { name: `${tag} vault`, visibility: 'private' });
    const joined = await createRoom(app.server, seeker, { name: `${tag} mine` });
    const response = await get(seeker, `/api/rooms/discover?q=${encodeURIComponent(tag)}`);
    expect(response.statusCode).toBe(200);
    const ids = response.json().rooms.map((r: { id: string }) => r.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(secret.id);
    expect(ids).not.toContain(joined.id);
    const wildcard = await get(seeker, `/api/rooms/discover?q=${encodeURIComponent('%')}`);
    expect(wildcard.statusCode).toBe(200);
  });
});

describe('changing and deleting rooms', () => {
  it('lets the owner and admins rename, but not members', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    const denied = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: member.headers,
      payload: { name: 'mine now' },
    });
    expect(denied.statusCode).toBe(403);
    const renamed = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}`,
      headers: owner.headers,
      payload: { name: 'renamed', description: 'new' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'renamed', description: 'new' });
  });

  it('lets only the owner delete, and then the room is gone', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    const denied = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}`,
      headers: member.headers,
    });
    expect(denied.statusCode).toBe(403);
    const deleted = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}`,
      headers: owner.headers,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await get(owner, `/api/rooms/${room.id}`)).statusCode).toBe(404);
  });
});

describe('membership', () => {
  it('joins a public room once, idempotently', async () => {
    const owner = await registerUser(app.server);
    const joiner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const first = await post(joiner, `/api/rooms/${room.id}/join`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ roomId: room.id, role: 'member', user: { id: joiner.user.id } });
    const again = await post(joiner, `/api/rooms/${room.id}/join`);
    expect(again.statusCode).toBe(200);
    const participants = (await get(owner, `/api/rooms/${room.id}/participants`)).json().participants;
    expect(participants.filter((p: { user: { id: string } }) => p.user.id === joiner.user.id)).toHaveLength(
      1,
    );
  });

  it('cannot join a private room (404)', async () => {
    const owner = await registerUser(app.server);
    const joiner = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    expect((await post(joiner, `/api/rooms/${room.id}/join`)).statusCode).toBe(404);
  });

  it('lets owners add people to a private room, not members', async () => {
    const owner = await registerUser(app.server);
    const invitee = await registerUser(app.server);
    const third = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    // They share a room already: the add is immediate (a stranger would get an invitation instead).
    await acquaint(app.server, owner, invitee);
    const added = await post(owner, `/api/rooms/${room.id}/participants`, { userId: invitee.user.id });
    expect(added.statusCode).toBe(201);
    expect((await get(invitee, `/api/rooms/${room.id}`)).statusCode).toBe(200);
    const twice = await post(owner, `/api/rooms/${room.id}/participants`, { userId: invitee.user.id });
    expect(twice.statusCode).toBe(409);
    const byMember = await post(invitee, `/api/rooms/${room.id}/participants`, { userId: third.user.id });
    expect(byMember.statusCode).toBe(403);
    const unknown = await post(owner, `/api/rooms/${room.id}/participants`, { userId: randomUUID() });
    expect(unknown.statusCode).toBe(404);
  });

  it('lists participants with role and online status, for members only', async () => {
    const owner = await registerUser(app.server);
    const outsider = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const response = await get(owner, `/api/rooms/${room.id}/participants`);
    expect(response.statusCode).toBe(200);
    expect(response.json().participants).toEqual([
      expect.objectContaining({
        role: 'owner',
        online: false,
        user: expect.objectContaining({ id: owner.user.id }),
      }),
    ]);
    expect((await get(outsider, `/api/rooms/${room.id}/participants`)).statusCode).toBe(403);
  });

  it('removes a member at once: the next read is refused', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    await acquaint(app.server, owner, member);
    await post(owner, `/api/rooms/${room.id}/participants`, { userId: member.user.id });
    expect((await get(member, `/api/rooms/${room.id}/messages`)).statusCode).toBe(200);
    const removed = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${member.user.id}`,
      headers: owner.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect((await get(member, `/api/rooms/${room.id}/messages`)).statusCode).toBe(404);
    expect((await post(member, `/api/rooms/${room.id}/messages`, { body: 'still here?' })).statusCode).toBe(
      404,
    );
  });

  it('lets a member remove themself but not others', async () => {
    const owner = await registerUser(app.server);
    const a = await registerUser(app.server);
    const b = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, a, room.id);
    await joinRoom(app.server, b, room.id);
    const other = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${b.user.id}`,
      headers: a.headers,
    });
    expect(other.statusCode).toBe(403);
    const self = await app.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${a.user.id}`,
      headers: a.headers,
    });
    expect(self.statusCode).toBe(204);
  });

  it('leaves a room; a public room then answers 403 until rejoined', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    expect((await post(member, `/api/rooms/${room.id}/leave`)).statusCode).toBe(204);
    const read = await get(member, `/api/rooms/${room.id}/messages`);
    expect(read.statusCode).toBe(403);
    expect(problemOf(read).code).toBe('forbidden');
    expect((await post(member, `/api/rooms/${room.id}/leave`)).statusCode).toBe(403);
  });

  it('passes ownership on when the owner leaves', async () => {
    const owner = await registerUser(app.server);
    const heir = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, heir, room.id);
    expect((await post(owner, `/api/rooms/${room.id}/leave`)).statusCode).toBe(204);
    expect((await get(heir, `/api/rooms/${room.id}`)).json().role).toBe('owner');
  });

  it('records joins and leaves as room events with seq', async () => {
    const owner = await registerUser(app.server);
    const member = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, member, room.id);
    await postMessage(app.server, owner, room.id, 'hello');
    await post(member, `/api/rooms/${room.id}/leave`);
    expect((await get(owner, `/api/rooms/${room.id}`)).json().lastSeq).toBe(3);
  });
});
