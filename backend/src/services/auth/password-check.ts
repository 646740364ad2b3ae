import type { AppContext } from '../context.js';
import { admitLogin, reportLogin } from '../../ratelimit/login-throttle.js';
import { passwordVerifications } from '../../metrics/security.js';
import { tooManyRequests } from '../../ratelimit/limiter.js';
import { hashPassword, verifyNothing, verifyPassword } from './passwords.js';

/** The answer to a password check past its requester's share of the queue. */
export const refusePasswordWork = () =>
  tooManyRequests('password_work', 1000, 'too many password checks at once');

/** Who is asking: the fair share of password work is theirs (the user once signed in, else the address). */
export interface Requester {
  ip: string;
  userId?: string;
  userAgent?: string;
}

const shareOf = (requester: Requester) =>
  requester.userId ? `user:${requester.userId}` : `ip:${requester.ip}`;

/**
 * Every password verification is a login attempt: login and the current-password check of a
 * profile change alike spend the account's budget (slow-down after a few failures, a hard stop per
 * window: ratelimit/login-throttle.ts) and run in the bounded, fair argon2 queue. `account` is the
 * budget key (ratelimit/login-account.ts); a missing hash costs a dummy verification and fails.
 * Throws 429 before any verification when the budget is spent.
 */
export async function verifyAsLogin(
  ctx: AppContext,
  account: string,
  requester: Requester,
  passwordHash: string | undefined,
  password: string,
): Promise<boolean> {
  const scope = await admitLogin(ctx.limiter, account, requester.ip);
  passwordVerifications.inc();
  const ok = await ctx.passwordWork.run(shareOf(requester), () =>
    passwordHash ? verifyPassword(passwordHash, password) : verifyNothing(password),
  );
  await reportLogin(ctx.limiter, scope, account, requester.ip, ok);
  return ok;
}

/** Hashes a new password in the same bounded, fair queue. */
export function hashPasswordFor(ctx: AppContext, requester: Requester, password: string): Promise<string> {
  return ctx.passwordWork.run(shareOf(requester), () => hashPassword(password));
}
