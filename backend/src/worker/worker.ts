import type { JobConsumer, JobQueue } from '../queue/job-queue.js';
import type { Mailer } from '../mail/mailer.js';
import type { AppContext } from '../services/context.js';
import { consumeEmailJobs } from './email-consumer.js';
import { startOutboxRelay } from './outbox-relay.js';
import type { OutboxRelayOptions } from './outbox-relay.js';
import type { JobReport } from './email-consumer.js';
import { startEmailSweeper } from './email-sweeper.js';

export interface WorkerDeps {
  ctx: AppContext;
  queue: JobQueue;
  mailer: Mailer;
  relay?: Partial<OutboxRelayOptions>;
  concurrency?: number;
  /** Called after every delivery of an email job. */
  observe?: (report: JobReport) => void;
  /** Called after every sweep with the number of jobs it queued again. */
  onSweep?: (requeued: number) => void;
}

export interface Worker {
  /** The email consumer: its `consuming()` is the worker's readiness. */
  consumer: JobConsumer;
  /** Stops the sweeper and the relay, lets running jobs finish; unstarted ones stay queued. */
  stop(): Promise<void>;
}

/** The worker role: the outbox relay, the email consumer and the sweeper of lost jobs. */
/** Email jobs one worker sends at once. */
export const defaultEmailConcurrency = 4;

export function startWorker(deps: WorkerDeps): Worker {
  const { config } = deps.ctx;
  const log = deps.ctx.log.child({ component: 'worker' });
  const relay = startOutboxRelay(deps.ctx.db, deps.queue, log, {
    emailDelayMs: config.emailDelayMs,
    ...deps.relay,
  });
  const consumer = consumeEmailJobs(deps.ctx, deps.queue, deps.mailer, log, {
    concurrency: deps.concurrency ?? defaultEmailConcurrency,
    ...(deps.observe ? { observe: deps.observe } : {}),
  });
  // In every mode: the in-process queue forgets its jobs on restart, a broker can lose one, a
  // crash can orphan a claimed digest, and a dead-lettered job is retried one max delay later.
  const sweeper = startEmailSweeper(deps.ctx.db, deps.queue, log, {
    emailDelayMs: config.emailDelayMs,
    graceMs: config.emailSweepGraceMs,
    maxAgeMs: config.emailMaxAgeMs,
    intervalMs: config.emailSweepIntervalMs,
    ...(deps.onSweep ? { onSweep: deps.onSweep } : {}),
  });
  log.info({ queue: deps.queue.kind, mailer: deps.mailer.kind }, 'worker started');
  return {
    consumer,
    async stop() {
      await sweeper.stop();
      await relay.stop();
      await consumer.close();
    },
  };
}
