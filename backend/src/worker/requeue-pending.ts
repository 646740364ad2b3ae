import { and, asc, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { notifications } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';

/** Notifications older than this are not worth an email any more. */
const lookBack = sql`now() - interval '1 day'`;

/**
 * The in-process queue forgets its jobs when the process stops, after the outbox rows were already
 * marked sent. At start, a job is queued again for every recipient with notifications still
 * pending email, so an embedded restart loses none; the digest sends each at most once anyway.
 */
export async function requeuePendingEmails(db: Db, queue: JobQueue, emailDelayMs: number): Promise<number> {
  const pending = await db
    .selectDistinctOn([notifications.userId], {
      userId: notifications.userId,
      notificationId: notifications.id,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(
      and(
        isNull(notifications.emailedAt),
        isNull(notifications.readAt),
        gt(notifications.createdAt, lookBack),
      ),
    )
    .orderBy(notifications.userId, asc(notifications.createdAt));
  const now = Date.now();
  for (const row of pending) {
    await queue.publish(
      { notificationId: row.notificationId, userId: row.userId },
      { delayMs: row.createdAt.getTime() + emailDelayMs - now },
    );
  }
  return pending.length;
}
