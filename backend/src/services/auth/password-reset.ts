import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { passwordResetLinkMinutes } from '@messaging-app/shared';
import { passwordResets, users } from '../../db/schema.js';
import { tooManyRequests } from '../../ratelimit/limiter.js';
import type { AppContext } from '../context.js';
import { invalidField } from '../errors.js';
import { accountMail, hashLinkToken, queueAccountMails } from '../account-mail.js';
import { ringOutboxDoorbell } from '../notifications/outbox-doorbell.js';
import { hashPasswordFor } from './password-check.js';
import type { Requester } from './password-check.js';
import { passwordProblem } from './password-policy.js';
import { revokeSessionsOf } from './sessions.js';

const passwordResetTtlMs = passwordResetLinkMinutes * 60_000;

const spentLink = () => invalidField('token', 'This link is not valid any more: ask for a new one.');

/**
 * Reset mails per address: a few an hour, so nobody can flood a mailbox through us. Counted whether
 * an account uses the address or not, so a refusal reveals nothing either.
 */
async function limitResetMails(ctx: AppContext, email: string): Promise<void> {
  const key = `reset:${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;
  const perHour = ctx.limiter.settings.passwordResetPerAddressPerHour;
  const decision = await ctx.limiter.store.take(key, perHour, perHour / 3600);
  if (!decision.allowed) {
    throw tooManyRequests(
      'password_reset',
      decision.retryAfterMs,
      'too many reset requests for this address',
    );
  }
}

/**
 * Mails a single-use reset link to the account with this email, replacing any earlier link of it. The
 * caller always gets the same answer (202), whether an account uses the address or not; an unknown
 * address gets no mail.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  await limitResetMails(ctx, email);
  const token = randomBytes(32).toString('base64url');
  const queued = await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, username: users.username, email: users.email })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`)
      .limit(1);
    if (!user) return false;
    await tx.delete(passwordResets).where(eq(passwordResets.userId, user.id));
    await tx.insert(passwordResets).values({
      userId: user.id,
      tokenHash: hashLinkToken(token),
      expiresAt: new Date(Date.now() + passwordResetTtlMs),
    });
    const link = `${ctx.config.publicUrl}/reset-password?token=${token}`;
    const id = `password-reset-${randomBytes(12).toString('hex')}`;
    await queueAccountMails(tx, [
      accountMail(ctx, id, user.email, 'Reset your password', [
        `Someone asked to reset the password of the messaging-app account ${user.username}.`,
        `Choose a new password within ${passwordResetLinkMinutes} minutes: ${link}`,
        'The link works once. Every session of the account ends when the password changes.',
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ]),
    ]);
    return true;
  });
  if (queued) ringOutboxDoorbell();
}

/**
 * Follows a reset link: a new password (the policy applies) for the account whose unexpired link this
 * is. The link is spent, and every session of the account ends, on every instance.
 */
export async function confirmPasswordReset(
  ctx: AppContext,
  token: string,
  password: string,
  requester: Requester,
): Promise<void> {
  const tokenHash = hashLinkToken(token);
  const [owner] = await ctx.db
    .select({ id: users.id, username: users.username, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, tokenHash), gt(passwordResets.expiresAt, new Date())))
    .limit(1);
  if (!owner) throw spentLink();
  const weak = passwordProblem(password, owner);
  if (weak) throw invalidField('password', weak);
  // Hashed before the transaction, so argon2 never holds a connection; the link is spent inside it.
  const passwordHash = await hashPasswordFor(ctx, { ...requester, userId: owner.id }, password);
  await ctx.db.transaction(async (tx) => {
    const [spent] = await tx
      .delete(passwordResets)
      .where(and(eq(passwordResets.tokenHash, tokenHash), gt(passwordResets.expiresAt, new Date())))
      .returning({ userId: passwordResets.userId });
    // Used by a concurrent request meanwhile: one of them sets the password, the other is told so.
    if (!spent) throw spentLink();
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, spent.userId));
  });
  await revokeSessionsOf(ctx, owner.id, 'password reset');
}
