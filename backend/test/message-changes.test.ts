import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Message, MessageHistory, MyRoom, Notification } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const at = (roomId: string, messageId: string) => `/api/rooms/${roomId}/messages/${messageId}`;
const edit = (user: TestUser, roomId: string, messageId: string, body: unknown, server = app.server) =>
  server.inject({ method: 'PATCH', url: at(roomId, messageId), headers: user.headers, payload: { body } });
const remove = (user: TestUser, roomId: string, messageId: string) =>
  app.server.inject({ method: 'DELETE', url: at(roomId, messageId), headers: user.headers });
const versionsOf = (user: TestUser, roomId: string, messageId: string) =>
  app.server.inject({ url: `${at(roomId, messageId)}/history`, headers: user.headers });
const react = (method: 'PUT' | 'DELETE', user: TestUser, roomId: string, messageId: string, emoji: string) =>
  app.server.inject({
    method,
    url: `${at(roomId, messageId)}/reactions/${encodeURIComponent(emoji)}`,
    headers: user.headers,
  });

async function messagesOf(user: TestUser, roomId: string): Promise<Message[]> {
  const response = await app.server.inject({ url: `/api/rooms/${roomId}/messages`, headers: user.headers });
  expect(response.statusCode).toBe(200);
  return response.json<{ messages: Message[] }>().messages;
}
async function lastSeqOf(user: TestUser, roomId: string): Promise<number> {
  return (await app.server.inject({ url: `/api/rooms/${roomId}`, headers: user.headers })).json<{
    lastSeq: number;
  }>().lastSeq;
}
async function notificationsOf(
  user: TestUser,
): Promise<{ notifications: Notification[]; unreadCount: number }> {
  return (await app.server.inject({ url: '/api/notifications', headers: user.headers })).json();
}

/** A public room with its owner, an admin and two members. */
async function team() {
  const owner = await registerUser(app.server);
  const admin = await registerUser(app.server);
  const ann = await registerUser(app.server);
  const bob = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  for (const user of [admin, ann, bob]) await joinRoom(app.server, user, room.id);
  await app.db.database.db.execute(
    sql`update room_participants set role = 'admin' where room_id = ${room.id} and user_id = ${admin.user.id}`,
  );
  return { owner, admin, ann, bob, room };
}

describe('editing a message', () => {
  it('replaces the text of your own message, sets editedAt and keeps the earlier text in its history', async () => {
    const { ann, bob, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'helo world');
    const before = await lastSeqOf(ann, room.id);
    const response = await edit(ann, room.id, posted.id, '  hello world  ');
    expect(response.statusCode).toBe(200);
    const edited = response.json<Message>();
    expect(edited).toMatchObject({ id: posted.id, seq: posted.seq, body: 'hello world', reactions: [] });
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(await lastSeqOf(ann, room.id)).toBe(before + 1);
    expect((await messagesOf(bob, room.id)).find((m) => m.id === posted.id)?.body).toBe('hello world');

    expect((await edit(ann, room.id, posted.id, 'hello, world')).statusCode).toBe(200);
    const history = await versionsOf(bob, room.id, posted.id);
    expect(history.statusCode).toBe(200);
    const { versions } = history.json<MessageHistory>();
    expect(versions.map((v) => v.body)).toEqual(['helo world', 'hello world']);
    expect(versions[0]?.editedAt).toBe(posted.createdAt);
    expect(versions[1]?.editedAt).toBe(edited.editedAt);
  });

  it('records nothing when the text does not change', async () => {
    const { ann, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'same');
    const before = await lastSeqOf(ann, room.id);
    const response = await edit(ann, room.id, posted.id, 'same');
    expect(response.statusCode).toBe(200);
    expect(response.json<Message>().editedAt).toBeNull();
    expect(await lastSeqOf(ann, room.id)).toBe(before);
  });

  it("refuses to edit someone else's message with 403, even as the room owner", async () => {
    const { owner, ann, bob, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'mine');
    for (const other of [bob, owner]) {
      const response = await edit(other, room.id, posted.id, 'yours now');
      expect(response.statusCode).toBe(403);
      expect(problemOf(response).code).toBe('forbidden');
    }
    expect((await messagesOf(ann, room.id)).find((m) => m.id === posted.id)?.body).toBe('mine');
  });

  it('answers 404 for an unknown message or one of another room, 403/404 for outsiders, 400 for a bad body', async () => {
    const { ann, room } = await team();
    const outsider = await registerUser(app.server);
    const secret = await createRoom(app.server, ann, { visibility: 'private' });
    const elsewhere = await postMessage(app.server, ann, secret.id, 'in the other room');
    const posted = await postMessage(app.server, ann, room.id, 'here');
    expect((await edit(ann, room.id, crypto.randomUUID(), 'x')).statusCode).toBe(404);
    expect((await edit(ann, room.id, elsewhere.id, 'x')).statusCode).toBe(404);
    expect((await edit(outsider, room.id, posted.id, 'x')).statusCode).toBe(403);
    expect((await edit(outsider, secret.id, elsewhere.id, 'x')).statusCode).toBe(404);
    for (const body of ['', '   ', 'x'.repeat(4001), 7, null]) {
      const response = await edit(ann, room.id, posted.id, body);
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
    const badId = await app.server.inject({
      method: 'PATCH',
      url: `/api/rooms/${room.id}/messages/not-a-uuid`,
      headers: ann.headers,
      payload: { body: 'x' },
    });
    expect(badId.statusCode).toBe(400);
  });

  it('notifies only the people an edit newly mentions, once', async () => {
    const { ann, bob, admin, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, `hi @${admin.user.username}`);
    expect((await notificationsOf(admin)).notifications).toHaveLength(1);
    expect((await notificationsOf(bob)).notifications).toHaveLength(0);
    await edit(ann, room.id, posted.id, `hi @${admin.user.username} and @${bob.user.username}`);
    await edit(ann, room.id, posted.id, `hi @${bob.user.username}!`);
    const bobs = (await notificationsOf(bob)).notifications;
    expect(bobs).toHaveLength(1);
    expect(bobs[0]).toMatchObject({ messageId: posted.id, preview: `hi @${bob.user.username}!` });
    const admins = (await notificationsOf(admin)).notifications;
    expect(admins).toHaveLength(1);
    // The preview follows the current text: what was edited away shows nowhere.
    expect(admins[0]?.preview).toBe(`hi @${bob.user.username}!`);
  });

  it('refuses an edit after MESSAGE_EDIT_WINDOW with 403; deleting stays allowed', async () => {
    const limited = await buildTestApp({ config: { messageEditWindowMs: 60_000 } });
    try {
      const ann = await registerUser(limited.server);
      const room = await createRoom(limited.server, ann);
      const posted = await postMessage(limited.server, ann, room.id, 'fresh');
      expect((await edit(ann, room.id, posted.id, 'still fresh', limited.server)).statusCode).toBe(200);
      await limited.db.database.db.execute(
        sql`update messages set created_at = now() - interval '61 seconds' where id = ${posted.id}`,
      );
      const late = await edit(ann, room.id, posted.id, 'too late', limited.server);
      expect(late.statusCode).toBe(403);
      expect(problemOf(late).detail).toMatch(/time to edit/);
      const deleted = await limited.server.inject({
        method: 'DELETE',
        url: at(room.id, posted.id),
        headers: ann.headers,
      });
      expect(deleted.statusCode).toBe(204);
    } finally {
      await limited.close();
    }
  });
});

describe('deleting a message', () => {
  it('keeps your deleted message in place with deletedAt and no body, its history and reactions gone', async () => {
    const { ann, bob, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'my secret: hunter2');
    await edit(ann, room.id, posted.id, 'my secret: hunter3');
    await react('PUT', bob, room.id, posted.id, '👍');
    const before = await lastSeqOf(ann, room.id);
    expect((await remove(ann, room.id, posted.id)).statusCode).toBe(204);
    expect(await lastSeqOf(ann, room.id)).toBe(before + 1);
    const shown = (await messagesOf(bob, room.id)).find((m) => m.id === posted.id);
    expect(shown).toMatchObject({ seq: posted.seq, body: '', reactions: [] });
    expect(shown?.deletedAt).toEqual(expect.any(String));
    expect((await versionsOf(bob, room.id, posted.id)).json()).toEqual({ versions: [] });
    const page = await app.server.inject({ url: `/api/rooms/${room.id}/messages`, headers: bob.headers });
    expect(page.body).not.toContain('hunter');
    const rooms = await app.server.inject({ url: '/api/rooms', headers: bob.headers });
    expect(rooms.body).not.toContain('hunter');
  });

  it('is idempotent: deleting a deleted message answers 204 and records nothing', async () => {
    const { ann, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'twice');
    expect((await remove(ann, room.id, posted.id)).statusCode).toBe(204);
    const after = await lastSeqOf(ann, room.id);
    expect((await remove(ann, room.id, posted.id)).statusCode).toBe(204);
    expect(await lastSeqOf(ann, room.id)).toBe(after);
    expect((await edit(ann, room.id, posted.id, 'back')).statusCode).toBe(409);
  });

  it("lets the room's owner and admins delete anyone's message, and nobody else", async () => {
    const { owner, admin, ann, bob, room } = await team();
    const first = await postMessage(app.server, ann, room.id, 'one');
    const second = await postMessage(app.server, ann, room.id, 'two');
    const refused = await remove(bob, room.id, first.id);
    expect(refused.statusCode).toBe(403);
    expect(problemOf(refused).code).toBe('forbidden');
    expect((await remove(admin, room.id, first.id)).statusCode).toBe(204);
    expect((await remove(owner, room.id, second.id)).statusCode).toBe(204);
    const shown = await messagesOf(ann, room.id);
    expect(shown.filter((m) => m.deletedAt).map((m) => m.id)).toEqual([first.id, second.id]);
  });

  it('stops the notifications of a deleted message: read, emptied, never emailed', async () => {
    const { ann, bob, room } = await team();
    const posted = await postMessage(
      app.server,
      ann,
      room.id,
      `@${bob.user.username} the password is hunter2`,
    );
    expect((await notificationsOf(bob)).unreadCount).toBe(1);
    await remove(ann, room.id, posted.id);
    const after = await notificationsOf(bob);
    expect(after.unreadCount).toBe(0);
    expect(after.notifications[0]).toMatchObject({ messageId: posted.id, preview: '' });
    expect(after.notifications[0]?.readAt).toEqual(expect.any(String));
    const pending = await app.db.database.db.execute(
      sql`select count(*)::int as n from notifications where message_id = ${posted.id} and read_at is null and emailed_at is null`,
    );
    expect(Number((pending as unknown as { rows: Array<{ n: number }> }).rows[0]?.n)).toBe(0);
  });
});

describe('reactions', () => {
  it('adds a reaction once however often it is put, and takes it back once', async () => {
    const { ann, bob, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'react to me');
    const before = await lastSeqOf(ann, room.id);
    for (let i = 0; i < 3; i++)
      expect((await react('PUT', bob, room.id, posted.id, '👍')).statusCode).toBe(204);
    expect((await react('PUT', ann, room.id, posted.id, '👍')).statusCode).toBe(204);
    expect((await react('PUT', ann, room.id, posted.id, '👨‍👩‍👧‍👦')).statusCode).toBe(204);
    expect(await lastSeqOf(ann, room.id)).toBe(before + 3);
    let shown = (await messagesOf(ann, room.id)).find((m) => m.id === posted.id);
    expect(shown?.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [bob.user.id, ann.user.id] },
      { emoji: '👨‍👩‍👧‍👦', count: 1, userIds: [ann.user.id] },
    ]);
    for (let i = 0; i < 2; i++)
      expect((await react('DELETE', bob, room.id, posted.id, '👍')).statusCode).toBe(204);
    expect(await lastSeqOf(ann, room.id)).toBe(before + 4);
    shown = (await messagesOf(bob, room.id)).find((m) => m.id === posted.id);
    expect(shown?.reactions[0]).toEqual({ emoji: '👍', count: 1, userIds: [ann.user.id] });
  });

  it('refuses anything but one emoji with a 400 problem', async () => {
    const { ann, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'pick one');
    for (const emoji of [
      'a',
      'thumbsup',
      '👍👍',
      ':)',
      '<script>',
      'javascript:alert(1)',
      '❤',
      'x'.repeat(40),
    ]) {
      const response = await react('PUT', ann, room.id, posted.id, emoji);
      expect(response.statusCode, emoji).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
    const raw = await app.server.inject({
      method: 'PUT',
      url: `${at(room.id, posted.id)}/reactions/%E0%A4%A`,
      headers: ann.headers,
    });
    expect(raw.statusCode).toBe(400);
    expect((await messagesOf(ann, room.id)).find((m) => m.id === posted.id)?.reactions).toEqual([]);
  });

  it('refuses a reaction from someone who left the room (403) or never saw it (404)', async () => {
    const { ann, bob, room } = await team();
    const posted = await postMessage(app.server, ann, room.id, 'bye');
    await app.server.inject({ method: 'POST', url: `/api/rooms/${room.id}/leave`, headers: bob.headers });
    const left = await react('PUT', bob, room.id, posted.id, '👋');
    expect(left.statusCode).toBe(403);
    expect(problemOf(left).code).toBe('forbidden');
    const secret = await createRoom(app.server, ann, { visibility: 'private' });
    const hidden = await postMessage(app.server, ann, secret.id, 'hidden');
    expect((await react('PUT', bob, secret.id, hidden.id, '👀')).statusCode).toBe(404);
    expect((await react('PUT', ann, room.id, hidden.id, '👀')).statusCode).toBe(404);
  });

  it('refuses reacting to a deleted message with 409, and bounds different emoji per person', async () => {
    const { ann, bob, room } = await team();
    const gone = await postMessage(app.server, ann, room.id, 'gone');
    await remove(ann, room.id, gone.id);
    expect((await react('PUT', bob, room.id, gone.id, '👍')).statusCode).toBe(409);
    expect((await react('DELETE', bob, room.id, gone.id, '👍')).statusCode).toBe(204);
    const posted = await postMessage(app.server, ann, room.id, 'many');
    const faces = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗'];
    for (const face of faces.slice(0, 20))
      expect((await react('PUT', bob, room.id, posted.id, face)).statusCode).toBe(204);
    expect((await react('PUT', bob, room.id, posted.id, faces[20] as string)).statusCode).toBe(409);
    expect((await react('PUT', bob, room.id, posted.id, faces[0] as string)).statusCode).toBe(204);
  });
});

describe('marking a room unread', () => {
  it('moves the read marker back so the message and the ones after it are unread again', async () => {
    const { ann, bob, room } = await team();
    const first = await postMessage(app.server, ann, room.id, 'one');
    await postMessage(app.server, ann, room.id, 'two');
    const last = await postMessage(app.server, ann, room.id, 'three');
    const read = (payload: object) =>
      app.server.inject({ method: 'POST', url: `/api/rooms/${room.id}/read`, headers: bob.headers, payload });
    const mine = async () =>
      (await app.server.inject({ url: '/api/rooms', headers: bob.headers }))
        .json<{ rooms: MyRoom[] }>()
        .rooms.find((r) => r.id === room.id);
    expect((await read({ seq: last.seq })).statusCode).toBe(204);
    expect((await mine())?.unreadCount).toBe(0);
    // Without `unread` the marker never moves back (a stale tab cannot undo a read).
    expect((await read({ seq: first.seq - 1 })).statusCode).toBe(204);
    expect((await mine())?.unreadCount).toBe(0);
    expect((await read({ seq: first.seq - 1, unread: true })).statusCode).toBe(204);
    expect(await mine()).toMatchObject({ unreadCount: 3, lastReadSeq: first.seq - 1 });
  });
});
