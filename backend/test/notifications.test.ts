import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification, NotificationPage } from '@messaging-app/shared';
import type { BusMessage } from '../src/bus/messages.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, joinRoom, postMessage, problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

async function listOf(user: TestUser, query = ''): Promise<NotificationPage> {
  const response = await app.server.inject({
    method: 'GET',
    url: `/api/notifications${query}`,
    headers: user.headers,
  });
  expect(response.statusCode).toBe(200);
  return response.json<NotificationPage>();
}

/** An owner and a member of a fresh public room. */
async function roomWithMember() {
  const owner = await registerUser(app.server);
  const member = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  await joinRoom(app.server, member, room.id);
  return { owner, member, room };
}

describe('mention notifications', () => {
  it('a mention of a member creates one notification with the room, actor and excerpt', async () => {
    const { owner, member, room } = await roomWithMember();
    const message = await postMessage(app.server, owner, room.id, `hello @${member.user.username}, see this`);
    const page = await listOf(member);
    expect(page.unreadCount).toBe(1);
    expect(page.notifications).toHaveLength(1);
    expect(page.notifications[0]).toMatchObject({
      type: 'mention',
      roomId: room.id,
      roomName: room.name,
      messageId: message.id,
      seq: message.seq,
      actor: { id: owner.user.id },
      preview: `hello @${member.user.username}, see this`,
      readAt: null,
    });
  });

  it('matches the username in any case', async () => {
    const { owner, member, room } = await roomWithMember();
    await postMessage(app.server, owner, room.id, `ping @${member.user.username.toUpperCase()}`);
    expect((await listOf(member)).unreadCount).toBe(1);
  });

  it('creates one notification per user per message however often they are named', async () => {
    const { owner, member, room } = await roomWithMember();
    const name = member.user.username;
    await postMessage(app.server, owner, room.id, `@${name} @${name} and again @${name.toUpperCase()}`);
    expect((await listOf(member)).notifications).toHaveLength(1);
  });

  it('does not notify someone outside the room, nor the sender', async () => {
    const { owner, room } = await roomWithMember();
    const outsider = await registerUser(app.server);
    await postMessage(
      app.server,
      owner,
      room.id,
      `@${outsider.user.username} and me @${owner.user.username}`,
    );
    expect((await listOf(outsider)).notifications).toHaveLength(0);
    expect((await listOf(owner)).notifications).toHaveLength(0);
  });

  it('ignores a username glued to other word characters', async () => {
    const { owner, member, room } = await roomWithMember();
    await postMessage(
      app.server,
      owner,
      room.id,
      `mail x@${member.user.username} or @${member.user.username}x`,
    );
    expect((await listOf(member)).notifications).toHaveLength(0);
  });

  it('publishes notification.new to the recipient on the bus after the commit', async () => {
    const { owner, member, room } = await roomWithMember();
    const frames: BusMessage[] = [];
    const off = app.ctx.bus.subscribe((m) => {
      if (m.kind === 'user.frame' && m.userId === member.user.id) frames.push(m);
    });
    try {
      const message = await postMessage(app.server, owner, room.id, `@${member.user.username} look`);
      expect(frames).toHaveLength(1);
      const frame = frames[0];
      expect(frame?.kind === 'user.frame' && frame.frame).toMatchObject({
        type: 'notification.new',
        notification: { type: 'mention', messageId: message.id, actor: { id: owner.user.id } },
      });
    } finally {
      off();
    }
  });
});

describe('room invite notifications', () => {
  it('adding someone to a private room notifies them, and nobody else', async () => {
    const owner = await registerUser(app.server);
    const invitee = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    await acquaint(app.server, owner, invitee);
    const added = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/participants`,
      headers: owner.headers,
      payload: { userId: invitee.user.id },
    });
    expect(added.statusCode).toBe(201);
    const page = await listOf(invitee);
    expect(page.notifications).toHaveLength(1);
    expect(page.notifications[0]).toMatchObject({
      type: 'room_invite',
      roomId: room.id,
      actor: { id: owner.user.id },
    });
    expect((await listOf(owner)).notifications).toHaveLength(0);
  });
});

describe('GET /api/notifications', () => {
  it('pages newest first with before, and reports hasMore', async () => {
    const { owner, member, room } = await roomWithMember();
    for (let i = 0; i < 5; i += 1)
      await postMessage(app.server, owner, room.id, `#${i} @${member.user.username}`);
    const first = await listOf(member, '?limit=2');
    expect(first.notifications.map((n) => n.preview)).toEqual([
      `#4 @${member.user.username}`,
      `#3 @${member.user.username}`,
    ]);
    expect(first.hasMore).toBe(true);
    const seen: Notification[] = [...first.notifications];
    let page = first;
    while (page.hasMore) {
      page = await listOf(member, `?limit=2&before=${seen[seen.length - 1]?.id}`);
      seen.push(...page.notifications);
    }
    expect(seen.map((n) => n.preview)).toEqual([4, 3, 2, 1, 0].map((i) => `#${i} @${member.user.username}`));
    expect(first.unreadCount).toBe(5);
  });

  it('unread=true lists only unread ones; unreadCount counts them all', async () => {
    const { owner, member, room } = await roomWithMember();
    for (let i = 0; i < 3; i += 1)
      await postMessage(app.server, owner, room.id, `n${i} @${member.user.username}`);
    const all = await listOf(member);
    const oldest = all.notifications[2];
    const read = await app.server.inject({
      method: 'POST',
      url: `/api/notifications/${oldest?.id}/read`,
      headers: member.headers,
    });
    expect(read.statusCode).toBe(204);
    const unread = await listOf(member, '?unread=true&limit=1');
    expect(unread.notifications).toHaveLength(1);
    expect(unread.unreadCount).toBe(2);
    expect(unread.hasMore).toBe(true);
    const everything = await listOf(member);
    expect(everything.notifications.find((n) => n.id === oldest?.id)?.readAt).not.toBeNull();
  });

  it('read-all marks every notification read', async () => {
    const { owner, member, room } = await roomWithMember();
    for (let i = 0; i < 3; i += 1)
      await postMessage(app.server, owner, room.id, `r${i} @${member.user.username}`);
    const response = await app.server.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: member.headers,
    });
    expect(response.statusCode).toBe(204);
    const page = await listOf(member);
    expect(page.unreadCount).toBe(0);
    expect(page.notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it("answers 404 for another user's notification, and leaves it unread", async () => {
    const { owner, member, room } = await roomWithMember();
    await postMessage(app.server, owner, room.id, `@${member.user.username} private`);
    const [theirs] = (await listOf(member)).notifications;
    const stranger = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'POST',
      url: `/api/notifications/${theirs?.id}/read`,
      headers: stranger.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe('not_found');
    expect((await listOf(member)).unreadCount).toBe(1);
    const paged = await app.server.inject({
      method: 'GET',
      url: `/api/notifications?before=${theirs?.id}`,
      headers: stranger.headers,
    });
    expect(paged.statusCode).toBe(404);
  });

  it('requires authentication', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/api/notifications' });
    expect(response.statusCode).toBe(401);
  });
});

describe('notification preferences', () => {
  it('default to email on mentions and can be turned off', async () => {
    const user = await registerUser(app.server);
    const profile = await app.server.inject({ method: 'GET', url: '/api/profile', headers: user.headers });
    expect(profile.json().notificationPrefs).toEqual({ email: 'mentions' });
    const patched = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { notificationPrefs: { email: 'off' } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().notificationPrefs).toEqual({ email: 'off' });
    const bad = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { notificationPrefs: { email: 'always' } },
    });
    expect(bad.statusCode).toBe(400);
  });
});
