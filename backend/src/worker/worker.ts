import type { JobQueue } from '../queue/job-queue.js';
import type { Mailer } from '../mail/mailer.js';
import type { AppContext } from '../services/context.js';
import { consumeEmailJobs } from './email-consumer.js';
import { startOutboxRelay } from './outbox-relay.js';
import type { OutboxRelayOptions } from './outbox-relay.js';
import type { JobReport } from './email-consumer.js';
import { requeuePendingEmails } from './requeue-pending.js';

export interface WorkerDeps {
  ctx: AppContext;
  queue: JobQueue;
  mailer: Mailer;
  relay?: Partial<OutboxRelayOptions>;
  concurrency?: number;
  /** Called after every delivery of an email job. */
  observe?: (report: JobReport) => void;
}

export interface Worker {
  /** Stops the relay, lets running jobs finish; unstarted ones stay in (or return to) the queue. */
  stop(): Promise<void>;
}

/** The worker role: the outbox relay and the email consumer. */
export function startWorker(deps: WorkerDeps): Worker {
  const log = deps.ctx.log.child({ component: 'worker' });
  const relay = startOutboxRelay(deps.ctx.db, deps.queue, log, {
    emailDelayMs: deps.ctx.config.emailDelayMs,
    ...deps.relay,
  });
  const consumer = consumeEmailJobs(deps.ctx, deps.queue, deps.mailer, log, {
    concurrency: deps.concurrency ?? 4,
    ...(deps.observe ? { observe: deps.observe } : {}),
  });
  // The broker keeps jobs across restarts; the in-process queue needs them rebuilt from the database.
  const recovered =
    deps.queue.kind === 'memory'
      ? requeuePendingEmails(deps.ctx.db, deps.queue, deps.ctx.config.emailDelayMs).then(
          (count) => count > 0 && log.info({ count }, 'pending emails queued again'),
          (error: unknown) => log.error({ err: error }, 'could not queue pending emails again'),
        )
      : Promise.resolve();
  log.info({ queue: deps.queue.kind, mailer: deps.mailer.kind }, 'worker started');
  return {
    async stop() {
      await recovered;
      await relay.stop();
      await consumer.close();
    },
  };
}
