import { asc, or, sql } from 'drizzle-orm';
import type { User, UserSearchQuery } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { toUser } from '../presenters.js';

/** `%`, `_` and `\` in a user's text are literal characters, not LIKE wildcards. */
function prefixPattern(q: string): string {
  return `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Users whose username or display name starts with `q`, any case; public fields only. */
export async function searchUsers(ctx: AppContext, query: UserSearchQuery): Promise<User[]> {
  const pattern = prefixPattern(query.q);
  const rows = await ctx.db
    // Only the public columns: the search never even reads an email or a password hash.
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarUrl: users.avatarUrl,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(
      or(sql`lower(${users.username}) like ${pattern}`, sql`lower(${users.displayName}) like ${pattern}`),
    )
    .orderBy(asc(users.username))
    .limit(query.limit);
  return rows.map(toUser);
}
