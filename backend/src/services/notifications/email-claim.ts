import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { messages, notifications } from '../../db/schema.js';
import type { AppContext } from '../context.js';

/** Notifications per email; the rest go out in the job's next digest. */
const digestMax = 50;

export interface Claim {
  claim: string;
  ids: string[];
  /** A digest claimed before by a sender that is gone, sent again now. */
  orphan: boolean;
}

/**
 * Takes one digest of a recipient for sending, in a short committed transaction, before any SMTP
 * traffic. First a digest claimed earlier whose sender is gone (its lease ran out, or it gave the
 * claim up after a failure): it is sent again under the same token, hence the same Message-ID.
 * Otherwise a fresh token over everything pending and unclaimed. Returns `held` when only a live
 * sender's digests are left, and null when nothing is pending.
 */
export async function claimDigest(
  ctx: AppContext,
  userId: string,
  pending: SQL | undefined,
): Promise<Claim | 'held' | null> {
  const lease = sql`make_interval(secs => ${ctx.config.emailClaimLeaseMs / 1000})`;
  const free = or(
    isNull(notifications.emailClaimedAt),
    sql`${notifications.emailClaimedAt} < now() - ${lease}`,
  );
  const claimedFields = { emailClaimedAt: sql`now()`, emailNextAt: sql`now() + ${lease}` };
  return ctx.db.transaction(async (tx) => {
    // The lease is checked again by the UPDATE itself: of two jobs racing for one orphan, the one
    // that waited on the other's row locks re-reads the fresh `email_claimed_at` and takes nothing.
    const orphan = await tx
      .update(notifications)
      .set(claimedFields)
      .where(
        and(
          eq(
            notifications.emailClaim,
            sql`(select ${notifications.emailClaim} from ${notifications} where ${and(
              eq(notifications.userId, userId),
              isNull(notifications.emailedAt),
              isNull(notifications.readAt),
              isNotNull(notifications.emailClaim),
              free,
            )} order by ${notifications.createdAt} limit 1)`,
          ),
          isNull(notifications.emailedAt),
          free,
        ),
      )
      .returning({ id: notifications.id, claim: notifications.emailClaim });
    const orphanClaim = orphan[0]?.claim;
    if (orphanClaim) return { claim: orphanClaim, ids: orphan.map((r) => r.id), orphan: true };

    const rows = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .leftJoin(messages, eq(messages.id, notifications.messageId))
      .where(and(pending, isNull(notifications.emailClaim)))
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .limit(digestMax)
      // Another job locking some of these rows is claiming them right now: leave them to it.
      .for('update', { of: notifications, skipLocked: true });
    if (rows.length === 0) {
      const [held] = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            isNull(notifications.emailedAt),
            isNull(notifications.readAt),
            isNotNull(notifications.emailClaim),
          ),
        )
        .limit(1);
      return held ? 'held' : null;
    }
    const claim = randomUUID();
    const ids = rows.map((r) => r.id);
    await tx
      .update(notifications)
      .set({ emailClaim: claim, ...claimedFields })
      .where(inArray(notifications.id, ids));
    return { claim, ids, orphan: false };
  });
}
