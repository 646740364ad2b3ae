import { and, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { nameSkeleton } from '@messaging-app/shared';
import { roomParticipants, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';

/**
 * Whether `displayName` looks like the display name or username of someone who shares a room with
 * `userId` (same skeleton, shared/display-name.ts): the people a look-alike could fool are the ones
 * who see both names side by side. Names of strangers are not compared.
 */
export async function looksLikeARoommate(
  ctx: AppContext,
  userId: string,
  displayName: string,
): Promise<boolean> {
  const mine = alias(roomParticipants, 'mine');
  const theirs = alias(roomParticipants, 'theirs');
  const rows = await ctx.db
    .selectDistinct({ displayName: users.displayName, username: users.username })
    .from(mine)
    .innerJoin(theirs, and(eq(theirs.roomId, mine.roomId), ne(theirs.userId, userId)))
    .innerJoin(users, eq(users.id, theirs.userId))
    .where(eq(mine.userId, userId));
  const skeleton = nameSkeleton(displayName);
  return rows.some((r) => nameSkeleton(r.displayName) === skeleton || nameSkeleton(r.username) === skeleton);
}
