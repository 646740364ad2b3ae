import { z } from 'zod';
import type { Logger } from 'pino';
import type { JobConsumer, JobQueue } from '../queue/job-queue.js';
import type { Mailer } from '../mail/mailer.js';
import type { AppContext } from '../services/context.js';
import { sendEmailDigest } from '../services/notifications/send-email-digest.js';
import type { DigestOutcome } from '../services/notifications/send-email-digest.js';

/** What the outbox row of a notification carries to the worker. */
export const EmailJob = z.object({ notificationId: z.uuid(), userId: z.uuid() });

/** What became of one delivery of a job: for metrics, logs and tests. */
export type JobReport =
  | { payload: Record<string, unknown>; attempt: number; outcome: DigestOutcome }
  | { payload: Record<string, unknown>; attempt: number; error: unknown };

export interface EmailConsumerOptions {
  concurrency?: number;
  observe?: (report: JobReport) => void;
}

/**
 * Consumes email jobs: each one sends the recipient's digest of everything pending. A job resolves
 * (and is acked) only after the SMTP server accepted the mail; a throw is retried with back-off.
 */
export function consumeEmailJobs(
  ctx: AppContext,
  queue: JobQueue,
  mailer: Mailer,
  log: Logger,
  options: EmailConsumerOptions = {},
): JobConsumer {
  return queue.consume(async (job) => {
    try {
      const { userId, notificationId } = EmailJob.parse(job.payload);
      const outcome = await sendEmailDigest(ctx, mailer, userId);
      log.debug({ userId, notificationId, attempt: job.attempt, ...outcome }, 'email job done');
      options.observe?.({ payload: job.payload, attempt: job.attempt, outcome });
    } catch (error) {
      options.observe?.({ payload: job.payload, attempt: job.attempt, error });
      throw error;
    }
  }, options);
}
