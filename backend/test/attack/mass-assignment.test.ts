import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, pathFor } from '@messaging-app/shared';
import type { Endpoint } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { acquaint, createRoom, postMessage, registerUser, uniqueName } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { queuedLinkToken } from '../support/mail-links.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist } });
});
afterAll(async () => {
  await app.close();
});

const markId = randomUUID();
const markTime = '2001-02-03T04:05:06.000Z';
const markSeq = 987_654;

/** Fields a client must never set: identities, roles, counters, timestamps, credentials. */
function extras(other: { userId: string; roomId: string }) {
  return {
    id: markId,
    userId: other.userId,
    senderId: other.userId,
    ownerId: other.userId,
    roomId: other.roomId,
    role: 'owner',
    isAdmin: true,
    admin: true,
    seq: markSeq,
    lastSeq: markSeq,
    lastReadSeq: markSeq,
    createdAt: markTime,
    updatedAt: markTime,
    editedAt: markTime,
    deletedAt: markTime,
    revokedAt: markTime,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$forged',
    username: 'forged_username',
    avatarUrl: 'https://evil.example/x.png',
    memberCount: markSeq,
  };
}

interface Scene {
  user: TestUser;
  other: TestUser;
  /** Someone the user bans. */
  bystander: TestUser;
  room: { id: string };
  otherRoom: { id: string };
  /** A message the user posted in `room`. */
  messageId: string;
  messageSeq: number;
  /** The token of an email change the user asked for. */
  emailToken: string;
  /** The token of a password reset asked for the bystander. */
  resetToken: string;
}

/** A valid call of every write endpoint: a new write endpoint must be added here. */
function valid(
  name: string,
  scene: Scene,
): { params?: Record<string, string>; body: Record<string, unknown> } | null {
  const username = uniqueName();
  const calls: Record<string, { params?: Record<string, string>; body: Record<string, unknown> } | null> = {
    register: { body: { username, email: `${username}@example.test`, password: 'correct horse battery' } },
    login: { body: { login: scene.user.user.username, password: scene.user.password } },
    refresh: null, // Its one field is an opaque token: covered by the token suite.
    logout: null, // Ends the session the other calls use; its body is covered by the fuzzer.
    updateProfile: { body: { displayName: 'New Name' } },
    confirmEmailChange: { body: { token: scene.emailToken } },
    // An address nobody uses: the same 202, and no reset replaces the bystander's.
    requestPasswordReset: { body: { email: `${uniqueName('nobody')}@example.test` } },
    confirmPasswordReset: { body: { token: scene.resetToken, password: `reset ${randomUUID()}` } },
    createRoom: { body: { name: uniqueName('room'), visibility: 'public' } },
    updateRoom: { params: { id: scene.room.id }, body: { description: 'described' } },
    addParticipant: { params: { id: scene.room.id }, body: { userId: scene.other.user.id } },
    banUser: { params: { id: scene.room.id }, body: { userId: scene.bystander.user.id } },
    sendMessage: { params: { id: scene.room.id }, body: { body: 'hello', clientMsgId: randomUUID() } },
    markRead: { params: { id: scene.room.id }, body: { seq: 1 } },
    editMessage: {
      params: { id: scene.room.id, messageId: scene.messageId },
      body: { body: `edited ${randomUUID()}` },
    },
    openDm: { body: { userIds: [scene.other.user.id] } },
    markThreadRead: {
      params: { id: scene.room.id, messageId: scene.messageId },
      body: { seq: scene.messageSeq },
    },
    // The other's own role again: the role the extras try to forge is never given.
    changeRole: { params: { id: scene.room.id, userId: scene.other.user.id }, body: { role: 'member' } },
  };
  if (!(name in calls)) throw new Error(`no mass-assignment call for ${name}: add one`);
  return calls[name] ?? null;
}

describe('mass assignment', () => {
  it('extra fields on every write are ignored or refused, never stored', async () => {
    const user = await registerUser(app.server);
    const other = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    const otherRoom = await createRoom(app.server, other, { visibility: 'private' });
    const first = await postMessage(app.server, user, room.id, 'first');
    // The two share a room, so the add is immediate (a stranger would get an invitation).
    await acquaint(app.server, user, other);
    const bystander = await registerUser(app.server);
    const newAddress = `${uniqueName('moved')}@example.test`;
    const change = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { email: newAddress, currentPassword: user.password },
    });
    expect(change.statusCode).toBe(200);
    const reset = await app.server.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { email: bystander.user.email },
    });
    expect(reset.statusCode).toBe(202);
    const scene: Scene = {
      user,
      other,
      bystander,
      room,
      otherRoom,
      messageId: first.id,
      messageSeq: first.seq,
      emailToken: await queuedLinkToken(app.ctx.db, newAddress),
      resetToken: await queuedLinkToken(app.ctx.db, bystander.user.email),
    };
    const writes = Object.entries(api).filter(([, e]) => (e as Endpoint).body !== undefined) as Array<
      [string, Endpoint]
    >;
    const outcomes: Record<string, number> = {};
    let sent = 0;
    for (const [name, endpoint] of writes) {
      const call = valid(name, scene);
      if (!call) continue;
      // The endpoint's own fields win, so each extra is one the endpoint does not take.
      const payload = JSON.stringify({
        ...extras({ userId: other.user.id, roomId: otherRoom.id }),
        ...call.body,
      });
      // Raw `__proto__` / `constructor.prototype` keys, as a hand-written body carries them: refused outright.
      const withProto = payload.replace(/^\{/, '{"__proto__":{"isAdmin":true},');
      const withConstructor = payload.replace(/^\{/, '{"constructor":{"prototype":{"isAdmin":true}},');
      for (const [variant, body] of [
        ['extras', payload],
        ['proto', withProto],
        ['proto', withConstructor],
      ] as const) {
        const response = await app.server.inject({
          method: endpoint.method,
          url: pathFor(endpoint.path, call.params),
          headers: { ...user.headers, 'content-type': 'application/json' },
          payload: body,
        });
        sent += 1;
        outcomes[`${name}/${variant}:${response.statusCode}`] = 1;
        expect(response.statusCode, `${name}: ${response.body}`).toBeLessThan(500);
        expect([200, 201, 202, 204, 400]).toContain(response.statusCode);
        if (variant === 'proto') expect(response.statusCode).toBe(400);
        for (const mark of [markId, markTime, String(markSeq), 'forged', 'evil.example', '"isAdmin"']) {
          expect(response.body, `${name} echoed ${mark}`).not.toContain(mark);
        }
      }
    }

    // Read everything back: nothing of the extras was stored.
    const reads = [
      '/api/profile',
      `/api/users/${user.user.id}`,
      '/api/rooms',
      `/api/rooms/${room.id}`,
      `/api/rooms/${room.id}/participants`,
      `/api/rooms/${room.id}/messages`,
    ];
    for (const url of reads) {
      const response = await app.server.inject({ url, headers: user.headers });
      expect(response.statusCode).toBe(200);
      for (const mark of [markId, markTime, String(markSeq), 'forged', 'evil.example', 'isAdmin']) {
        expect(response.body, `${url} holds ${mark}`).not.toContain(mark);
      }
    }
    const participants = (
      await app.server.inject({ url: `/api/rooms/${room.id}/participants`, headers: user.headers })
    ).json<{ participants: Array<{ user: { id: string }; role: string }> }>().participants;
    expect(participants.find((p) => p.user.id === other.user.id)?.role).toBe('member');
    const messages = (
      await app.server.inject({ url: `/api/rooms/${room.id}/messages`, headers: user.headers })
    ).json<{ messages: Array<{ seq: number; sender: { id: string }; roomId: string }> }>().messages;
    for (const message of messages) {
      expect(message.sender.id).toBe(user.user.id);
      expect(message.roomId).toBe(room.id);
      expect(message.seq).toBeLessThan(100);
    }
    // The other user's private room gained nothing, and Object.prototype was not polluted.
    const otherMessages = await app.server.inject({
      url: `/api/rooms/${otherRoom.id}/messages`,
      headers: other.headers,
    });
    expect(otherMessages.json<{ messages: unknown[] }>().messages).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // The stored password is still the real one.
    const login = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: user.password },
    });
    expect(login.statusCode).toBe(200);
    console.log(
      `[attack:mass-assignment] writes=${sent} extraFields=${Object.keys(extras({ userId: '', roomId: '' })).length} outcomes=${Object.keys(outcomes).join(',')}`,
    );
  });
});
