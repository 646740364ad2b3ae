import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { AuthResponse } from '@messaging-app/shared';
import { notifications } from '../src/db/schema.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { startWorker } from '../src/worker/worker.js';
import type { Worker } from '../src/worker/worker.js';
import type { JobReport } from '../src/worker/email-consumer.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { createTestQueue } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';
import { Api, createEmailDeployment } from './support/email-backend.js';
import type { EmailDeployment } from './support/email-backend.js';
import { eventually } from './support/eventually.js';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

describe('email through a long SMTP outage', () => {
  let app: TestApp;
  let queue: TestQueue;
  let worker: Worker;
  let mailer: ReturnType<typeof createSmtpMailer>;
  const reports: JobReport[] = [];
  let sweeps = 0;
  // The whole retry window is three attempts over about 60 ms; a dead-lettered job is swept
  // again one EMAIL_RETRY_MAX_DELAY (200 ms) later.
  const retry = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 };

  beforeAll(async () => {
    app = await buildTestApp({
      config: {
        emailDelayMs: 50,
        emailMaxAttempts: retry.maxAttempts,
        emailRetryDelayMs: retry.baseDelayMs,
        emailRetryMaxDelayMs: retry.maxDelayMs,
        emailSweepIntervalMs: 100,
        emailSweepGraceMs: 200,
        emailClaimLeaseMs: 20_000,
      },
    });
    queue = createTestQueue({ retry });
    mailer = createSmtpMailer({ url: sink.url, from: 'messaging-app <no-reply@example.test>' });
    worker = startWorker({
      ctx: app.ctx,
      queue: queue.queue,
      mailer,
      relay: { pollMs: 50, minBackoffMs: 20 },
      observe: (report) => reports.push(report),
      onSweep: () => (sweeps += 1),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await queue?.destroy();
    await mailer?.close();
    await app?.close();
  });

  it('every email pending through an outage longer than the whole retry window arrives once, after it', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const recipients: TestUser[] = [];
    for (let i = 0; i < 4; i += 1) {
      const user = await registerUser(app.server);
      await joinRoom(app.server, user, room.id);
      recipients.push(user);
    }
    const ids = recipients.map((r) => r.user.id);
    sink.setDown(true);
    try {
      await postMessage(
        app.server,
        owner,
        room.id,
        `${recipients.map((r) => `@${r.user.username}`).join(' ')} hi`,
      );
      // Every recipient's job used up all its attempts while the relay refused: dead-lettered.
      await eventually(
        async () =>
          (
            await app.ctx.db
              .select({ id: notifications.id })
              .from(notifications)
              .where(and(inArray(notifications.userId, ids), isNotNull(notifications.emailDeadAt)))
          ).length === ids.length,
        'every job dead-lettered',
        20_000,
      );
      expect(reports.some((r) => 'error' in r && r.deadLettered)).toBe(true);
      expect(sink.mails.filter((m) => recipients.some((r) => m.to.includes(r.user.email)))).toHaveLength(0);
    } finally {
      sink.setDown(false);
    }

    await sink.waitFor(() => recipients.every((r) => sink.to(r.user.email).length >= 1), 20_000);
    await eventually(
      async () =>
        (
          await app.ctx.db
            .select({ id: notifications.id })
            .from(notifications)
            .where(and(inArray(notifications.userId, ids), isNull(notifications.emailedAt)))
        ).length === 0,
      'every notification recorded as emailed',
    );
    // Two more sweeps find nothing left to send.
    const after = sweeps;
    await eventually(() => sweeps >= after + 2, 'two more sweeps');
    for (const r of recipients) expect(sink.to(r.user.email)).toHaveLength(1);
  }, 60_000);
});

describe('the dead-letter queue', () => {
  let deployment: EmailDeployment | undefined;
  afterEach(async () => {
    await deployment?.destroy();
    deployment = undefined;
  });

  it('an email dead-lettered, listed and replayed with `main.js dead-letters` is sent once', async () => {
    deployment = await createEmailDeployment(sink.url, {
      EMAIL_MAX_ATTEMPTS: '2',
      // Only the replay may send it: the sweeper would retry it an hour later.
      EMAIL_RETRY_MAX_DELAY: '3600',
    });
    const first = await deployment.start('all');
    const api = new Api(first.url);
    const alice = await api.register();
    const bob: AuthResponse = await api.register();
    const room = await api.room(alice, [bob]);
    sink.reject(bob.user.email);
    await api.post(alice, room, `@${bob.user.username} this one bounces`);
    await eventually(
      () => first.process.output().includes('email job failed its last attempt; dead-lettered'),
      'the dead letter',
      30_000,
    );
    // On the embedded store the server holds DATA_DIR: the operator stops it first.
    expect(await first.process.stop('SIGTERM')).toBe('0');

    const listed = await deployment.command(['list']);
    expect(listed.code).toBe('0');
    expect(listed.output).toContain('1 dead-lettered notification(s), 1 recipient(s)');
    expect(listed.output).toContain(bob.user.email);
    expect(listed.output).toContain('mailbox unavailable');
    if (deployment.database) expect(listed.output).toMatch(/broker dead-letter queue .*: 1 job\(s\)/);

    sink.accept(bob.user.email);
    const replayed = await deployment.command(['replay']);
    expect(replayed.code).toBe('0');
    expect(replayed.output).toContain('replayed: 1 notification(s) of 1 recipient(s) queued again');

    const second = await deployment.start('all');
    await sink.waitFor(() => sink.to(bob.user.email).length === 1, 30_000);
    expect(await second.process.stop('SIGTERM')).toBe('0');
    expect(sink.to(bob.user.email)).toHaveLength(1);
    if (deployment.database) {
      const after = await deployment.command(['list']);
      expect(after.output).toContain('0 dead-lettered notification(s)');
      expect(after.output).toMatch(/broker dead-letter queue .*: 0 job\(s\)/);
    }
  }, 300_000);

  it('refuses an unknown subcommand with its usage', async () => {
    deployment = await createEmailDeployment(sink.url);
    const wrong = await deployment.command(['purge']);
    expect(wrong.code).toBe('1');
    expect(wrong.output).toContain('usage: main.js dead-letters list');
  }, 60_000);
});
