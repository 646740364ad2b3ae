import { and, eq, gt, inArray, isNull, ne } from 'drizzle-orm';
import type { AuthResponse } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import type { users } from '../../db/schema.js';
import { refreshTokens, sessions } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { toProfile } from '../presenters.js';
import { unauthorized } from '../errors.js';
import {
  accessTokenSeconds,
  newRefreshToken,
  sessionDays,
  signAccessToken,
  verifyAccessToken,
} from './tokens.js';

type UserRow = typeof users.$inferSelect;

/** Opens a session (a refresh-token family) and hands out its first token pair. */
export async function startSession(
  ctx: AppContext,
  q: Queryable,
  user: UserRow,
  userAgent: string | undefined,
): Promise<AuthResponse> {
  const expiresAt = new Date(Date.now() + sessionDays * 24 * 3600 * 1000);
  const [session] = await q
    .insert(sessions)
    .values({ userId: user.id, expiresAt, userAgent: userAgent?.slice(0, 256) })
    .returning({ id: sessions.id });
  if (!session) throw new Error('session insert returned nothing');
  return issueTokens(ctx, q, user, session.id);
}

export async function issueTokens(
  ctx: AppContext,
  q: Queryable,
  user: UserRow,
  sessionId: string,
): Promise<AuthResponse> {
  const refresh = newRefreshToken();
  await q.insert(refreshTokens).values({ sessionId, tokenHash: refresh.hash });
  return {
    user: toProfile(user),
    accessToken: await signAccessToken(ctx.config.jwtSecret, user.id, sessionId),
    refreshToken: refresh.token,
    expiresIn: accessTokenSeconds,
  };
}

/**
 * Revokes every live session of a user but `keep` (the caller's own, when it stays signed in): after a
 * password or email change, or a password reset (no session kept).
 */
export async function revokeSessionsOf(
  ctx: AppContext,
  userId: string,
  reason: string,
  keep?: string,
): Promise<void> {
  const live = await ctx.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keep === undefined ? undefined : ne(sessions.id, keep),
      ),
    );
  for (const session of live) await revokeSession(ctx, session.id, reason);
}

/** Revokes a session and tells every instance to close its sockets. */
export async function revokeSession(ctx: AppContext, sessionId: string, reason: string): Promise<void> {
  const revoked = await ctx.db
    .update(sessions)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id, userId: sessions.userId });
  for (const session of revoked) {
    await ctx.bus.publish({ kind: 'session.revoked', sessionId: session.id, userId: session.userId });
  }
}

export interface Caller {
  userId: string;
  sessionId: string;
}

/** Checks an access token and that its session is still alive: revocation takes effect on the next request. */
export async function authenticate(ctx: AppContext, token: string): Promise<Caller> {
  const claims = await verifyAccessToken(ctx.config.jwtSecret, token);
  const [session] = await ctx.db
    .select({ revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.id, claims.sessionId), eq(sessions.userId, claims.userId)))
    .limit(1);
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) {
    throw sessionRevoked();
  }
  return { userId: claims.userId, sessionId: claims.sessionId };
}

/** The ids among `sessionIds` whose sessions are neither revoked nor expired, read from the store. */
export async function liveSessions(q: Queryable, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await q
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        inArray(sessions.id, [...sessionIds]),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

export const sessionRevoked = () => unauthorized('session revoked', 'session_revoked');
