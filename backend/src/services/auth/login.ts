import { eq, or, sql } from 'drizzle-orm';
import type { AuthResponse, LoginBody } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { unauthorized } from '../errors.js';
import { verifyNothing, verifyPassword } from './passwords.js';
import { startSession } from './sessions.js';
import { passwordVerifications } from '../../metrics/security.js';

/** Logs in by username or email. An unknown login costs as much time as a wrong password. */
export async function login(ctx: AppContext, input: LoginBody, userAgent?: string): Promise<AuthResponse> {
  const loginLower = input.login.toLowerCase();
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(or(sql`lower(${users.username}) = ${loginLower}`, eq(sql`lower(${users.email})`, loginLower)))
    .limit(1);
  // Per-account throttling (plugins/rate-limit.ts) admits this call; the counter proves the bound.
  passwordVerifications.inc();
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyNothing(input.password);
  if (!user || !ok) throw unauthorized('wrong login or password', 'unauthorized');
  return startSession(ctx, ctx.db, user, userAgent);
}
