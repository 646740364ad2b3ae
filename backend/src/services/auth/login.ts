import { eq, or, sql } from 'drizzle-orm';
import type { AuthResponse, LoginBody } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { unauthorized } from '../errors.js';
import { loginAccountKey } from '../../ratelimit/login-account.js';
import { startSession } from './sessions.js';
import { verifyAsLogin } from './password-check.js';
import type { Requester } from './password-check.js';

/** Logs in by username or email. An unknown login costs as much time as a wrong password. */
export async function login(ctx: AppContext, input: LoginBody, requester: Requester): Promise<AuthResponse> {
  const loginLower = input.login.toLowerCase();
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(or(sql`lower(${users.username}) = ${loginLower}`, eq(sql`lower(${users.email})`, loginLower)))
    .limit(1);
  const account = loginAccountKey(user?.id, input.login);
  const ok = await verifyAsLogin(ctx, account, requester, user?.passwordHash, input.password);
  if (!user || !ok) throw unauthorized('wrong login or password', 'unauthorized');
  return startSession(ctx, ctx.db, user, requester.userAgent);
}
