import { inArray } from 'drizzle-orm';
import { notifications } from '../../db/schema.js';
import type { AppContext } from '../context.js';

const firstWaitMs = 100;
const maxWaitMs = 5_000;

/**
 * Records that the SMTP server accepted the digest of these notifications. The mail is out, so a
 * failed commit (a connection cut, a failover) is retried here until the database takes it,
 * rather than failing the job, whose retry would mail them again. Only a crash before this
 * commits can lead to a second copy (with the same Message-ID).
 */
export async function markEmailed(ctx: AppContext, ids: string[]): Promise<void> {
  let wait = firstWaitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ctx.db
        .update(notifications)
        .set({
          emailedAt: new Date(),
          emailClaimedAt: null,
          emailNextAt: null,
          emailError: null,
          emailDeadAt: null,
        })
        .where(inArray(notifications.id, ids));
      return;
    } catch (error) {
      ctx.log.warn(
        { err: error, attempt, retryInMs: wait, notifications: ids.length },
        'email accepted but emailed_at not recorded; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(maxWaitMs, wait * 2);
    }
  }
}
