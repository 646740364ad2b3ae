import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { notifications } from '../../db/schema.js';
import type { AppContext } from '../context.js';

const seconds = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/**
 * Writes a failed email job down on the recipient's due, pending notifications: the error, the
 * attempt count, and when a job will look at them next. A job out of attempts marks them
 * dead-lettered (listed and replayed by `main.js dead-letters`); the sweeper still tries them again
 * one EMAIL_RETRY_MAX_DELAY later, with fresh attempts, so a long outage loses nothing.
 */
export async function recordEmailFailure(
  ctx: AppContext,
  userId: string,
  error: unknown,
  next: { retryInMs: number } | { deadLettered: true },
): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const dead = 'deadLettered' in next;
  await ctx.db
    .update(notifications)
    .set({
      emailAttempts: sql`${notifications.emailAttempts} + 1`,
      emailError: message,
      emailNextAt: sql`now() + ${seconds(dead ? ctx.config.emailRetryMaxDelayMs : next.retryInMs)}`,
      ...(dead ? { emailDeadAt: sql`coalesce(${notifications.emailDeadAt}, now())` } : {}),
    })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.emailedAt),
        isNull(notifications.readAt),
        lte(notifications.createdAt, sql`now() - ${seconds(ctx.config.emailDelayMs)}`),
      ),
    );
}
