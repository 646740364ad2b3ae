import { createHash } from 'node:crypto';

/**
 * The budget key of an account, so that its username and its email spend one budget. Unknown
 * logins get a key of their own (hashed: login strings may be emails), throttled the same way.
 */
export function loginAccountKey(userId: string | undefined, login: string): string {
  if (userId) return `user:${userId}`;
  const lower = login.trim().toLowerCase();
  return `unknown:${createHash('sha256').update(lower).digest('base64url').slice(0, 22)}`;
}
