import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { messages, notifications, outbox } from '../src/db/schema.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import type { Mailer } from '../src/mail/mailer.js';
import { startWorker } from '../src/worker/worker.js';
import { sweepPendingEmails } from '../src/worker/email-sweeper.js';
import { createMemoryQueue } from '../src/queue/memory-queue.js';
import type { Worker } from '../src/worker/worker.js';
import type { JobReport } from '../src/worker/email-consumer.js';
import { sendEmailDigest } from '../src/services/notifications/send-email-digest.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, joinRoom, postMessage, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { createTestQueue } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';
import { eventually } from './support/eventually.js';
import { WsClient, wsUrl } from './support/ws-client.js';

const publicUrl = 'https://chat.example.test';
let app: TestApp;
let sink: SmtpSink;
let queue: TestQueue;
let mailer: Mailer;
let worker: Worker;
const reports: JobReport[] = [];

beforeAll(async () => {
  // 300 ms: long enough for a test to read a notification before its job runs.
  app = await buildTestApp({ config: { emailDelayMs: 300, publicUrl } });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  sink = await startSmtpSink();
  queue = createTestQueue();
  mailer = createSmtpMailer({ url: sink.url, from: 'messaging-app <no-reply@example.test>' });
  worker = startTestWorker();
});

function startTestWorker(): Worker {
  return startWorker({
    ctx: app.ctx,
    queue: queue.queue,
    mailer,
    relay: { pollMs: 50, minBackoffMs: 20 },
    observe: (report) => reports.push(report),
  });
}
afterAll(async () => {
  await worker?.stop();
  await queue?.destroy();
  await mailer?.close();
  await sink?.close();
  await app?.close();
});

/** Every delivery report of the jobs addressed to this user, once `count` of them arrived. */
async function reportsFor(user: TestUser, count: number): Promise<JobReport[]> {
  const mine = () => reports.filter((r) => r.payload.userId === user.user.id);
  await eventually(() => mine().length >= count, `${count} job reports for ${user.user.username}`);
  return mine();
}

const outcomeOf = (report: JobReport | undefined) =>
  report && 'outcome' in report ? report.outcome : report;

async function roomWith(...extra: number[]) {
  const owner = await registerUser(app.server, { displayName: 'Ann <Owner>' });
  const room = await createRoom(app.server, owner, { name: `ops-${Date.now().toString(36)}` });
  const members: TestUser[] = [];
  for (const _ of extra) {
    const member = await registerUser(app.server);
    await joinRoom(app.server, member, room.id);
    members.push(member);
  }
  return { owner, room, members };
}

describe('the email worker', () => {
  it('emails an offline user once: room, sender, escaped excerpt and a link', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    const message = await postMessage(
      app.server,
      owner,
      room.id,
      `@${bob.user.username} deploy <script>x()</script> now`,
    );
    await sink.waitFor(() => sink.to(bob.user.email).length === 1);
    const [mail] = sink.to(bob.user.email);
    expect(mail?.subject).toBe(`Ann <Owner> mentioned you in #${room.name}`);
    expect(mail?.text).toContain(`deploy <script>x()</script> now`);
    expect(mail?.text).toContain(`${publicUrl}/rooms/${room.id}?message=${message.id}`);
    expect(mail?.text).toContain(`${publicUrl}/profile`);
    expect(mail?.html).toContain('deploy &lt;script&gt;x()&lt;/script&gt; now');
    expect(mail?.html).toContain('Ann &lt;Owner&gt;');
    expect(mail?.html).not.toContain('<script>');
    // `emailed_at` commits once the server answered the final ".", just after the sink took the mail.
    expect(outcomeOf((await reportsFor(bob, 1))[0])).toMatchObject({ sent: 1 });
    const [row] = await app.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.messageId, message.id));
    expect(row?.emailedAt).toBeInstanceOf(Date);
    // A redelivered job finds nothing left to send.
    expect(await sendEmailDigest(app.ctx, mailer, bob.user.id)).toEqual({
      sent: 0,
      skipped: 'nothing_pending',
    });
    expect(sink.to(bob.user.email)).toHaveLength(1);
  });

  it('gathers three mentions into one email', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    // All three exist before any job can run (the worker is stopped meanwhile), whatever the
    // machine's speed: the first job then finds them all.
    await worker.stop();
    for (const word of ['one', 'two', 'three']) {
      await postMessage(app.server, owner, room.id, `@${bob.user.username} ${word}`);
    }
    worker = startTestWorker();
    // The restarted worker's relay and (embedded) sweeper both queue jobs: wait for the one that sent.
    await eventually(
      () =>
        reports.some(
          (r) => r.payload.userId === bob.user.id && (outcomeOf(r) as { sent?: number }).sent === 3,
        ),
      'the digest of three sent',
    );
    const done = reports.filter((r) => r.payload.userId === bob.user.id);
    expect(sink.to(bob.user.email)).toHaveLength(1);
    const [mail] = sink.to(bob.user.email);
    expect(mail?.subject).toBe('3 new notifications in messaging-app');
    for (const word of ['one', 'two', 'three']) expect(mail?.text).toContain(`@${bob.user.username} ${word}`);
    expect(done.map(outcomeOf)).toContainEqual({ sent: 3, messageIds: [mail?.messageId] });
  });

  it('sends nothing to a user who is online', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    await app.ctx.presence.connected(bob.user.id, 'socket-of-bob');
    try {
      await postMessage(app.server, owner, room.id, `@${bob.user.username} are you there`);
      const [report] = await reportsFor(bob, 1);
      expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'online' });
      expect(sink.to(bob.user.email)).toHaveLength(0);
    } finally {
      await app.ctx.presence.disconnected(bob.user.id, 'socket-of-bob');
    }
  });

  it('pushes notification.new to the recipient’s live socket, and emails nobody who is connected', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    const socket = await WsClient.connect(wsUrl(app.server), bob.accessToken);
    try {
      const message = await postMessage(app.server, owner, room.id, `@${bob.user.username} live`);
      const frame = await socket.next((f) => f.type === 'notification.new');
      expect(frame).toMatchObject({
        type: 'notification.new',
        notification: {
          type: 'mention',
          messageId: message.id,
          roomId: room.id,
          actor: { id: owner.user.id },
        },
      });
      const [report] = await reportsFor(bob, 1);
      expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'online' });
      expect(sink.to(bob.user.email)).toHaveLength(0);
    } finally {
      socket.socket.close();
      await socket.closed;
    }
  });

  it('sends nothing for a notification read before the delay ran out', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    await postMessage(app.server, owner, room.id, `@${bob.user.username} quick one`);
    const read = await app.server.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: bob.headers,
    });
    expect(read.statusCode).toBe(204);
    const [report] = await reportsFor(bob, 1);
    expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'nothing_pending' });
    expect(sink.to(bob.user.email)).toHaveLength(0);
  });

  it('sends nothing for a deleted message', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    const message = await postMessage(app.server, owner, room.id, `@${bob.user.username} oops, wrong room`);
    await app.ctx.db.update(messages).set({ deletedAt: new Date() }).where(eq(messages.id, message.id));
    const [report] = await reportsFor(bob, 1);
    expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'nothing_pending' });
    expect(sink.to(bob.user.email)).toHaveLength(0);
  });

  it('sends nothing to a user who turned email off', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    const patched = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: bob.headers,
      payload: { notificationPrefs: { email: 'off' } },
    });
    expect(patched.statusCode).toBe(200);
    await postMessage(app.server, owner, room.id, `@${bob.user.username} ping`);
    const [report] = await reportsFor(bob, 1);
    expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'prefs_off' });
    expect(sink.to(bob.user.email)).toHaveLength(0);
  });

  it('sends nothing about a room the recipient has left', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    await postMessage(app.server, owner, room.id, `@${bob.user.username} secret plans`);
    const left = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/leave`,
      headers: bob.headers,
    });
    expect(left.statusCode).toBe(204);
    const [report] = await reportsFor(bob, 1);
    expect(outcomeOf(report)).toEqual({ sent: 0, skipped: 'nothing_pending' });
    expect(sink.to(bob.user.email)).toHaveLength(0);
  });

  it('emails a user added to a private room', async () => {
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
    await sink.waitFor(() => sink.to(invitee.user.email).length === 1);
    expect(sink.to(invitee.user.email)[0]?.subject).toContain(`added you to #${room.name}`);
  });

  it('emails an invitation to a stranger, who is not a member of the room yet', async () => {
    const owner = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    const room = await createRoom(app.server, owner, { visibility: 'private' });
    const invited = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/participants`,
      headers: owner.headers,
      payload: { userId: stranger.user.id },
    });
    expect(invited.statusCode).toBe(202);
    await sink.waitFor(() => sink.to(stranger.user.email).length === 1);
    const [mail] = sink.to(stranger.user.email);
    expect(mail?.subject).toContain(`invited you to #${room.name}`);
    expect(mail?.text).toContain('/notifications');
  });

  it('retries a mail the SMTP server refuses, then dead-letters the job after 5 attempts', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    sink.reject(bob.user.email);
    const before = await queue.deadLetters();
    await postMessage(app.server, owner, room.id, `@${bob.user.username} this bounces`);
    const attempts = await reportsFor(bob, 5);
    expect(attempts.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.every((r) => 'error' in r)).toBe(true);
    await eventually(async () => (await queue.deadLetters()) === before + 1, 'the dead letter');
    const [row] = await app.ctx.db.select().from(notifications).where(eq(notifications.userId, bob.user.id));
    expect(row?.emailedAt).toBeNull();
  });

  it('the start-up sweep of an in-process queue leaves a recipient whose outbox row is unpublished to the relay', async () => {
    const { owner, room, members } = await roomWith(1);
    const [bob] = members as [TestUser];
    // A queue of its own for the sweep, whose consumer only writes down whom each job is for.
    const swept = createMemoryQueue();
    const jobsFor = new Set<unknown>();
    swept.consume(async (job) => {
      jobsFor.add(job.payload.userId);
    });
    const sweep = () =>
      sweepPendingEmails(app.ctx.db, swept, {
        emailDelayMs: 0,
        graceMs: 0,
        maxAgeMs: 3_600_000,
        everything: true,
      });
    await worker.stop();
    try {
      await postMessage(app.server, owner, room.id, `@${bob.user.username} before the restart`);
      expect(await sweep()).toBeGreaterThanOrEqual(0);
      // Published before a restart that lost the in-process queue: only the sweep can queue it again.
      await app.ctx.db
        .update(outbox)
        .set({ sentAt: new Date() })
        .where(and(isNull(outbox.sentAt), sql`${outbox.payload}->>'userId' = ${bob.user.id}`));
      expect(jobsFor.has(bob.user.id)).toBe(false);
      await sweep();
      await eventually(() => jobsFor.has(bob.user.id), 'the swept job for bob');
    } finally {
      await swept.close();
      worker = startTestWorker();
    }
  });
});
