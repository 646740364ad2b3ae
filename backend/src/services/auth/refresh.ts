import { and, eq, isNull } from 'drizzle-orm';
import type { AuthResponse } from '@messaging-app/shared';
import { refreshTokens, sessions, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { unauthorized } from '../errors.js';
import { hashRefreshToken } from './tokens.js';
import { issueTokens, revokeSession } from './sessions.js';

/**
 * Rotates a refresh token. A token that was already spent means it was copied: the whole family
 * (the session) is revoked, the thief's and the owner's tokens alike.
 */
export async function refresh(ctx: AppContext, token: string): Promise<AuthResponse> {
  const [row] = await ctx.db
    .select({ token: refreshTokens, session: sessions, user: users })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
    .limit(1);
  if (!row) throw unauthorized('unknown refresh token');
  if (row.session.revokedAt || row.session.expiresAt.getTime() <= Date.now()) {
    throw unauthorized('session revoked', 'session_revoked');
  }
  const reuse = async () => {
    await revokeSession(ctx, row.session.id, 'refresh token reused');
    return unauthorized('refresh token already used: the session is revoked', 'session_revoked');
  };
  if (row.token.spentAt) throw await reuse();
  const issued = await ctx.db.transaction(async (tx) => {
    const spent = await tx
      .update(refreshTokens)
      .set({ spentAt: new Date() })
      .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.spentAt)))
      .returning({ id: refreshTokens.id });
    // Two concurrent uses of one token: only one may win; the other is a reuse.
    if (spent.length === 0) return null;
    await tx.update(sessions).set({ lastUsedAt: new Date() }).where(eq(sessions.id, row.session.id));
    return issueTokens(ctx, tx, row.user, row.session.id);
  });
  if (!issued) throw await reuse();
  return issued;
}
