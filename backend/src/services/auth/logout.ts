import { eq } from 'drizzle-orm';
import { refreshTokens, sessions } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from './sessions.js';
import { revokeSession } from './sessions.js';
import { hashRefreshToken } from './tokens.js';

/** Ends the caller's session, and the session of a given refresh token when it is the caller's too. */
export async function logout(ctx: AppContext, caller: Caller, refreshToken?: string): Promise<void> {
  await revokeSession(ctx, caller.sessionId, 'logout');
  if (!refreshToken) return;
  const [other] = await ctx.db
    .select({ sessionId: sessions.id, userId: sessions.userId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)))
    .limit(1);
  if (other && other.userId === caller.userId && other.sessionId !== caller.sessionId) {
    await revokeSession(ctx, other.sessionId, 'logout');
  }
}
