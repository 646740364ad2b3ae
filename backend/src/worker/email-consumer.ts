import { z } from 'zod';
import type { Logger } from 'pino';
import type { JobConsumer, JobQueue } from '../queue/job-queue.js';
import { retryDelay } from '../queue/job-queue.js';
import type { Mailer } from '../mail/mailer.js';
import type { AppContext } from '../services/context.js';
import { metrics } from '../metrics/metrics.js';
import { sendEmailDigest } from '../services/notifications/send-email-digest.js';
import type { DigestOutcome, SkipReason } from '../services/notifications/send-email-digest.js';
import { recordEmailFailure } from '../services/notifications/email-failure.js';

/** What the outbox row of a notification carries to the worker. */
export const EmailJob = z.object({ notificationId: z.uuid(), userId: z.uuid() });

/** What the outbox row of an account mail (an email change's link or notice) carries: the mail itself. */
export const AccountMailJob = z.object({
  mail: z.object({
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    messageId: z.string().optional(),
  }),
});

/** What became of one delivery of a job: for metrics, logs and tests. */
export type JobReport =
  | { payload: Record<string, unknown>; attempt: number; outcome: DigestOutcome }
  | { payload: Record<string, unknown>; attempt: number; error: unknown; deadLettered: boolean };

export interface EmailConsumerOptions {
  concurrency?: number;
  observe?: (report: JobReport) => void;
}

const skipLabels: Record<SkipReason, string> = {
  online: 'skipped_online',
  prefs_off: 'skipped_prefs',
  nothing_pending: 'skipped_read',
  claimed: 'skipped_claimed',
  no_user: 'unknown_user',
};

/** The `email_jobs_total` label of an outcome. */
export function outcomeLabel(outcome: DigestOutcome): string {
  return 'skipped' in outcome ? skipLabels[outcome.skipped] : 'sent';
}

/**
 * Consumes email jobs: each one sends the recipient's pending digests. A job resolves (and is
 * acked) only after the SMTP server accepted the mail; a throw is retried with back-off and, after
 * the last attempt, dead-lettered. Every failure is logged, counted and written to the
 * notifications (`email_error`, `email_next_at`, `email_dead_at`), in every mode.
 */
export function consumeEmailJobs(
  ctx: AppContext,
  queue: JobQueue,
  mailer: Mailer,
  log: Logger,
  options: EmailConsumerOptions = {},
): JobConsumer {
  return queue.consume(async (job) => {
    const account = AccountMailJob.safeParse(job.payload);
    if (account.success) {
      try {
        await mailer.send(account.data.mail);
        metrics.emailJobs.inc({ outcome: 'sent' });
      } catch (error) {
        const last = job.attempt >= queue.retry.maxAttempts;
        metrics.emailJobs.inc({ outcome: last ? 'dead_lettered' : 'failed' });
        // The address stays out of the log: only the subject says which mail it was.
        log.warn(
          { err: error, subject: account.data.mail.subject, attempt: job.attempt },
          'account mail failed',
        );
        throw error;
      }
      return;
    }
    const parsed = EmailJob.safeParse(job.payload);
    if (!parsed.success) {
      // A retry cannot make it readable: say so, and let it go to the dead letters.
      log.error({ payload: job.payload, attempt: job.attempt }, 'unreadable email job');
      metrics.emailJobs.inc({ outcome: 'failed' });
      throw new Error('unreadable email job');
    }
    const { userId, notificationId } = parsed.data;
    try {
      const outcome = await sendEmailDigest(ctx, mailer, userId);
      const label = outcomeLabel(outcome);
      metrics.emailJobs.inc({ outcome: label });
      if (label === 'unknown_user') {
        // Acked, but loudly: a worker on the wrong database would otherwise drop every email.
        log.warn(
          { userId, notificationId, attempt: job.attempt },
          'email job for a user this database does not have',
        );
      } else {
        log.debug({ userId, notificationId, attempt: job.attempt, ...outcome }, 'email job done');
      }
      options.observe?.({ payload: job.payload, attempt: job.attempt, outcome });
    } catch (error) {
      const last = job.attempt >= queue.retry.maxAttempts;
      const retryInMs = last ? null : retryDelay(queue.retry, job.attempt + 1);
      metrics.emailJobs.inc({ outcome: last ? 'dead_lettered' : 'failed' });
      if (last) {
        log.error(
          { err: error, userId, notificationId, attempt: job.attempt },
          'email job failed its last attempt; dead-lettered',
        );
      } else {
        log.warn(
          { err: error, userId, notificationId, attempt: job.attempt, retryInMs },
          'email job failed; retrying later',
        );
      }
      await recordEmailFailure(
        ctx,
        userId,
        error,
        last ? { deadLettered: true } : { retryInMs: retryInMs ?? 0 },
      ).catch((recordError: unknown) =>
        log.warn({ err: recordError, userId }, 'could not record an email failure'),
      );
      options.observe?.({ payload: job.payload, attempt: job.attempt, error, deadLettered: last });
      throw error;
    }
  }, options);
}
