import { randomBytes } from 'node:crypto';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import type { Profile } from '@messaging-app/shared';
import { emailChanges, users } from '../../db/schema.js';
import { sqlState, uniqueViolation } from '../../db/errors.js';
import { forgetProfile } from '../../cache/caches.js';
import type { AppContext } from '../context.js';
import { invalidField, notFound, takenField } from '../errors.js';
import { toProfile } from '../presenters.js';
import type { Caller } from '../auth/sessions.js';
import { revokeSessionsOf } from '../auth/sessions.js';
import { accountMail, hashLinkToken, queueAccountMails } from '../account-mail.js';
import { ringOutboxDoorbell } from '../notifications/outbox-doorbell.js';

/** How long the link sent to the new address works. */
export const emailChangeTtlMs = 60 * 60_000;

/**
 * Starts a change of the caller's email (their password was checked already): a single-use link to
 * the new address and a notice to the old one, queued in one transaction. The answer is the same
 * whether another account has the new address: then that address is told someone tried, and no link
 * exists, so nothing reveals who is registered.
 */
export async function requestEmailChange(
  ctx: AppContext,
  user: { id: string; email: string; username: string },
  newEmail: string,
): Promise<void> {
  if (newEmail.toLowerCase() === user.email.toLowerCase()) return;
  const token = randomBytes(32).toString('base64url');
  const id = randomBytes(12).toString('hex');
  const link = `${ctx.config.publicUrl}/profile/confirm-email?token=${token}`;
  const hours = emailChangeTtlMs / 3_600_000;
  await ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(sql`lower(${users.email}) = lower(${newEmail})`, ne(users.id, user.id)))
      .limit(1);
    // A newer request replaces an older one, whose link stops working.
    await tx.delete(emailChanges).where(eq(emailChanges.userId, user.id));
    if (!taken) {
      await tx.insert(emailChanges).values({
        userId: user.id,
        newEmail,
        tokenHash: hashLinkToken(token),
        expiresAt: new Date(Date.now() + emailChangeTtlMs),
      });
    }
    const toNew = taken
      ? accountMail(ctx, `email-change-${id}-new`, newEmail, 'Someone tried to use this email address', [
          'Someone asked to move a messaging-app account to this address, but an account already uses it.',
          'If that was you, sign in with this address instead, or reset its password. Otherwise ignore this mail.',
        ])
      : accountMail(ctx, `email-change-${id}-new`, newEmail, 'Confirm your new email address', [
          `${user.username} asked to use this address for their messaging-app account.`,
          `Confirm it within ${hours} hour(s), signed in as ${user.username}: ${link}`,
          'If you did not ask for this, ignore this mail: nothing changes.',
        ]);
    const toOld = accountMail(
      ctx,
      `email-change-${id}-old`,
      user.email,
      'Your email address is being changed',
      [
        `Someone signed in as ${user.username} asked to change the account's email to ${newEmail}.`,
        'It changes only when the link sent to that address is followed.',
        'If this was not you, change your password now: your other sessions end when you do.',
      ],
    );
    await queueAccountMails(tx, [toNew, toOld]);
  });
  ringOutboxDoorbell();
}

/**
 * Follows the link of an email change: the caller's pending change with this token, unexpired, sets
 * their email and is spent; then every other session of theirs ends.
 */
export async function confirmEmailChange(ctx: AppContext, caller: Caller, token: string): Promise<Profile> {
  const updated = await ctx.db.transaction(async (tx) => {
    const [change] = await tx
      .delete(emailChanges)
      .where(
        and(
          eq(emailChanges.tokenHash, hashLinkToken(token)),
          eq(emailChanges.userId, caller.userId),
          gt(emailChanges.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!change) throw invalidField('token', 'This link is not valid any more: ask for a new one.');
    try {
      const [row] = await tx
        .update(users)
        .set({ email: change.newEmail, updatedAt: new Date() })
        .where(eq(users.id, caller.userId))
        .returning();
      if (!row) throw notFound('user');
      return row;
    } catch (error) {
      // Taken since the link was sent; the one who holds the link owns that mailbox.
      if (sqlState(error) === uniqueViolation)
        throw takenField('email', 'email_taken', 'An account with this email already exists.');
      throw error;
    }
  });
  await forgetProfile(ctx.db, caller.userId);
  await revokeSessionsOf(ctx, caller.userId, 'email changed', caller.sessionId);
  return toProfile(updated);
}
