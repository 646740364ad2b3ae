import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNull } from 'drizzle-orm';
import { outbox } from '../src/db/schema.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import type { Mailer } from '../src/mail/mailer.js';
import { startWorker } from '../src/worker/worker.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { createTestQueue, runPrefix } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';
import { eventually } from './support/eventually.js';

let app: TestApp;
let sink: SmtpSink;
let mailer: Mailer;
const queues: TestQueue[] = [];

beforeAll(async () => {
  app = await buildTestApp({ config: { emailDelayMs: 400 } });
  sink = await startSmtpSink();
  mailer = createSmtpMailer({ url: sink.url, from: 'messaging-app <no-reply@example.test>' });
});
afterAll(async () => {
  for (const q of queues) await q.destroy();
  await mailer?.close();
  await sink?.close();
  await app?.close();
});

describe('a worker restart', () => {
  it('loses no email job that was waiting out its delay when the worker stopped', async () => {
    const owner = await registerUser(app.server);
    const bob = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, bob, room.id);
    const prefix = runPrefix();
    // The first process: its relay publishes the job, then it stops while the job still waits.
    const first = createTestQueue({ prefix, keep: true });
    queues.push(first);
    const before = startWorker({ ctx: app.ctx, queue: first.queue, mailer, relay: { pollMs: 20 } });
    await postMessage(app.server, owner, room.id, `@${bob.user.username} after the restart`);
    await eventually(
      async () => (await app.ctx.db.select().from(outbox).where(isNull(outbox.sentAt))).length === 0,
      'the job published',
    );
    await before.stop();
    await first.destroy();
    expect(sink.to(bob.user.email)).toHaveLength(0);

    // The next process: a fresh queue object on the same broker state (or a fresh in-process queue).
    const second = createTestQueue({ prefix });
    queues.push(second);
    const after = startWorker({ ctx: app.ctx, queue: second.queue, mailer, relay: { pollMs: 20 } });
    try {
      await sink.waitFor(() => sink.to(bob.user.email).length === 1);
    } finally {
      await after.stop();
    }
    expect(sink.to(bob.user.email)).toHaveLength(1);
  });
});
