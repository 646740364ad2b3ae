import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPage } from '@messaging-app/shared';
import type { BusMessage } from '../src/bus/messages.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import type { Mailer } from '../src/mail/mailer.js';
import { sendEmailDigest } from '../src/services/notifications/send-email-digest.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';

let app: TestApp;
let sink: SmtpSink;
let mailer: Mailer;
beforeAll(async () => {
  app = await buildTestApp();
  sink = await startSmtpSink();
  mailer = createSmtpMailer({ url: sink.url, from: 'messaging-app <no-reply@example.test>' });
});
afterAll(async () => {
  await mailer?.close();
  await sink?.close();
  await app?.close();
});

async function listOf(user: TestUser): Promise<NotificationPage> {
  const response = await app.server.inject({
    method: 'GET',
    url: '/api/notifications',
    headers: user.headers,
  });
  expect(response.statusCode).toBe(200);
  return response.json<NotificationPage>();
}

async function readUpTo(user: TestUser, roomId: string, seq: number): Promise<void> {
  const response = await app.server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/read`,
    headers: user.headers,
    payload: { seq },
  });
  expect(response.statusCode).toBe(204);
}

async function roomWithMember() {
  const owner = await registerUser(app.server);
  const member = await registerUser(app.server);
  const room = await createRoom(app.server, owner);
  await joinRoom(app.server, member, room.id);
  return { owner, member, room };
}

/** Collects the `notification.read` frames the bus carries to one user while `run` runs. */
async function readFramesDuring(user: TestUser, run: () => Promise<void>): Promise<string[][]> {
  const seen: string[][] = [];
  const off = app.ctx.bus.subscribe((m: BusMessage) => {
    if (m.kind === 'user.frame' && m.userId === user.user.id && m.frame.type === 'notification.read')
      seen.push(m.frame.ids);
  });
  try {
    await run();
  } finally {
    off();
  }
  return seen;
}

describe('reading a room clears its mentions', () => {
  it('moving the read marker past a mention marks it read, and leaves later mentions unread', async () => {
    const { owner, member, room } = await roomWithMember();
    const first = await postMessage(app.server, owner, room.id, `@${member.user.username} one`);
    const second = await postMessage(app.server, owner, room.id, `@${member.user.username} two`);
    await readUpTo(member, room.id, first.seq);
    const page = await listOf(member);
    expect(page.unreadCount).toBe(1);
    const byMessage = new Map(page.notifications.map((n) => [n.messageId, n]));
    expect(byMessage.get(first.id)?.readAt).not.toBeNull();
    expect(byMessage.get(second.id)?.readAt).toBeNull();
    await readUpTo(member, room.id, second.seq);
    expect((await listOf(member)).unreadCount).toBe(0);
  });

  it("touches only the reader's mentions of that room, not other rooms or invites", async () => {
    const { owner, member, room } = await roomWithMember();
    const elsewhere = await createRoom(app.server, owner);
    await joinRoom(app.server, member, elsewhere.id);
    const other = await postMessage(app.server, owner, elsewhere.id, `@${member.user.username} elsewhere`);
    const third = await registerUser(app.server);
    await joinRoom(app.server, third, room.id);
    const here = await postMessage(
      app.server,
      owner,
      room.id,
      `@${member.user.username} @${third.user.username} here`,
    );
    await readUpTo(member, room.id, here.seq);
    const mine = await listOf(member);
    expect(mine.notifications.find((n) => n.messageId === other.id)?.readAt).toBeNull();
    expect(mine.notifications.find((n) => n.messageId === here.id)?.readAt).not.toBeNull();
    expect((await listOf(third)).unreadCount).toBe(1);
  });

  it("pushes notification.read with the cleared ids to the reader's sockets after the commit", async () => {
    const { owner, member, room } = await roomWithMember();
    const message = await postMessage(app.server, owner, room.id, `@${member.user.username} look`);
    const [notification] = (await listOf(member)).notifications;
    const frames = await readFramesDuring(member, () => readUpTo(member, room.id, message.seq));
    expect(frames).toEqual([[notification?.id]]);
    // Nothing left to clear: nothing pushed.
    expect(await readFramesDuring(member, () => readUpTo(member, room.id, message.seq))).toEqual([]);
  });

  it('a mention read in the room is never emailed', async () => {
    const { owner, member, room } = await roomWithMember();
    const message = await postMessage(app.server, owner, room.id, `@${member.user.username} seen live`);
    await readUpTo(member, room.id, message.seq);
    // The member has no socket: the digest runs for them, and finds nothing pending.
    expect(await sendEmailDigest(app.ctx, mailer, member.user.id)).toEqual({
      sent: 0,
      skipped: 'nothing_pending',
    });
    expect(sink.to(member.user.email)).toEqual([]);
  });
});

describe('notification.read from the notification list', () => {
  it('reading one notification, or all, pushes their ids to the user', async () => {
    const { owner, member, room } = await roomWithMember();
    await postMessage(app.server, owner, room.id, `@${member.user.username} a`);
    await postMessage(app.server, owner, room.id, `@${member.user.username} b`);
    const [newest, oldest] = (await listOf(member)).notifications;
    const one = await readFramesDuring(member, async () => {
      const response = await app.server.inject({
        method: 'POST',
        url: `/api/notifications/${newest?.id}/read`,
        headers: member.headers,
      });
      expect(response.statusCode).toBe(204);
    });
    expect(one).toEqual([[newest?.id]]);
    const all = await readFramesDuring(member, async () => {
      const response = await app.server.inject({
        method: 'POST',
        url: '/api/notifications/read-all',
        headers: member.headers,
      });
      expect(response.statusCode).toBe(204);
    });
    expect(all).toEqual([[oldest?.id]]);
  });
});
