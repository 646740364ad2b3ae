import { createHash } from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import { users } from '../db/schema.js';
import type { Db } from '../db/client.js';

/**
 * The account a login string names, so that its username and its email spend one budget. Unknown
 * logins get a key of their own (hashed: login strings may be emails), throttled the same way.
 */
export async function loginAccountKey(db: Db, login: string): Promise<string> {
  const lower = login.trim().toLowerCase();
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(or(sql`lower(${users.username}) = ${lower}`, eq(sql`lower(${users.email})`, lower)))
    .limit(1);
  return user
    ? `user:${user.id}`
    : `unknown:${createHash('sha256').update(lower).digest('base64url').slice(0, 22)}`;
}
