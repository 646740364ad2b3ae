import { createSmtpMailer } from '../../src/mail/smtp-mailer.js';
import { startWorker } from '../../src/worker/worker.js';
import { buildTestApp } from './app.js';
import type { TestApp } from './app.js';
import { createTestQueue } from './job-queues.js';
import { startSmtpSink } from './smtp-sink.js';
import type { SmtpSink } from './smtp-sink.js';

export interface MailingApp {
  app: TestApp;
  /** The SMTP server the worker delivers to. */
  sink: SmtpSink;
  close(): Promise<void>;
}

/**
 * A test app whose mails go the real way: the outbox, this mode's job queue (in-process or RabbitMQ),
 * the worker, and SMTP to a server started in the test. Links in the mails point at `publicUrl`.
 */
export async function startMailingApp(publicUrl = 'https://chat.example.test'): Promise<MailingApp> {
  const sink = await startSmtpSink();
  const app = await buildTestApp({ config: { publicUrl } });
  const queue = createTestQueue();
  const mailer = createSmtpMailer({ url: sink.url, from: 'messaging-app <no-reply@example.test>' });
  const worker = startWorker({
    ctx: app.ctx,
    queue: queue.queue,
    mailer,
    relay: { pollMs: 50, minBackoffMs: 20 },
  });
  return {
    app,
    sink,
    async close() {
      await worker.stop();
      await queue.destroy();
      await mailer.close();
      await app.close();
      await sink.close();
    },
  };
}
