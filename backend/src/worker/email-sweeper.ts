import { and, asc, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { notifications, outbox } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';
import { metrics } from '../metrics/metrics.js';
import { emailTopic } from '../services/notifications/create.js';

export interface SweepOptions {
  emailDelayMs: number;
  /** How late a job may be before it counts as gone. */
  graceMs: number;
  /** Older notifications are left alone (`main.js dead-letters replay` still sends them). */
  maxAgeMs: number;
  /** Recipients per sweep; the next sweep takes the rest. */
  batchSize?: number;
}

const seconds = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/**
 * Queues a job again for every recipient with notifications still pending email (unread, not
 * emailed, not skipped on purpose) whose job is gone: overdue by more than the grace period, or,
 * with `everything` (an in-process queue just started, empty), any of them. Each such job is
 * published to run when the notification is due; its `email_next_at` then says so, and a job that
 * finds nothing left to send is harmless. Returns how many jobs it queued.
 */
export async function sweepPendingEmails(
  db: Db,
  queue: JobQueue,
  options: SweepOptions & { everything?: boolean },
): Promise<number> {
  const due = sql`coalesce(${notifications.emailNextAt}, ${notifications.createdAt} + ${seconds(options.emailDelayMs)})`;
  const pending = and(
    isNull(notifications.emailedAt),
    isNull(notifications.readAt),
    isNull(notifications.emailSkipped),
    gt(notifications.createdAt, sql`now() - ${seconds(options.maxAgeMs)}`),
    options.everything
      ? // A recipient with an unpublished outbox row gets its job from the relay: not twice.
        sql`not exists (select 1 from ${outbox} where ${outbox.sentAt} is null and ${outbox.topic} = ${emailTopic} and ${outbox.payload}->>'userId' = ${notifications.userId}::text)`
      : sql`${due} < now() - ${seconds(options.graceMs)}`,
  );
  const rows = await db
    .selectDistinctOn([notifications.userId], {
      userId: notifications.userId,
      notificationId: notifications.id,
      dueInMs: sql<number>`greatest(0, extract(epoch from (${due} - now())) * 1000)::float8`,
    })
    .from(notifications)
    .where(pending)
    .orderBy(notifications.userId, asc(notifications.createdAt))
    .limit(options.batchSize ?? 500);
  for (const row of rows) {
    await queue.publish(
      { notificationId: row.notificationId, userId: row.userId },
      { delayMs: Number(row.dueInMs) },
    );
  }
  // The jobs exist again: not overdue until they are late once more. One statement for the batch;
  // a crash before it only means the next sweep queues these jobs again, which is harmless.
  if (rows.length > 0)
    await db
      .update(notifications)
      .set({ emailNextAt: sql`greatest(${due}, now())` })
      .where(
        and(
          pending,
          inArray(
            notifications.userId,
            rows.map((r) => r.userId),
          ),
        ),
      );
  return rows.length;
}

export interface EmailSweeper {
  stop(): Promise<void>;
}

/** Sweeps at start and then every `intervalMs`, in every mode; failures are logged and retried next time. */
export function startEmailSweeper(
  db: Db,
  queue: JobQueue,
  log: Logger,
  options: SweepOptions & { intervalMs: number; onSweep?: (requeued: number) => void },
): EmailSweeper {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  // The in-process queue starts empty: everything pending needs its job again, due or not.
  let everything = queue.kind === 'memory';
  const loop = async () => {
    while (!stopped) {
      try {
        const requeued = await sweepPendingEmails(db, queue, { ...options, everything });
        everything = false;
        if (requeued > 0) {
          metrics.emailSweeps.inc(requeued);
          log.info({ requeued }, 'email jobs queued again for pending notifications');
        }
        options.onSweep?.(requeued);
      } catch (error) {
        log.warn({ err: error }, 'email sweep failed; trying again next interval');
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, options.intervalMs);
      });
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}
