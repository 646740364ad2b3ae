import { eq } from 'drizzle-orm';
import type { Profile, UpdateProfileBody, User } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { invalidField, notFound } from '../errors.js';
import { toProfile, toUser } from '../presenters.js';
import { hashPasswordFor, verifyAsLogin } from '../auth/password-check.js';
import type { Requester } from '../auth/password-check.js';
import { passwordProblem } from '../auth/password-policy.js';
import { looksLikeARoommate } from './look-alike.js';
import { requestEmailChange } from './email-change.js';
import type { Caller } from '../auth/sessions.js';
import { revokeSessionsOf } from '../auth/sessions.js';
import { cachesOf, forgetProfile } from '../../cache/caches.js';

async function loadUser(ctx: AppContext, id: string) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, id)).limit(1);
  if (!user) throw notFound('user');
  return user;
}

export async function getProfile(ctx: AppContext, caller: Caller): Promise<Profile> {
  return toProfile(await loadUser(ctx, caller.userId));
}

/** Anyone signed in may see a user's public face; never their email. */
export async function getUser(ctx: AppContext, id: string): Promise<User> {
  const load = async () => toUser(await loadUser(ctx, id));
  const caches = cachesOf(ctx.db);
  return caches ? caches.profile.get(id, load) : load();
}

/**
 * Changes the caller's profile. Email and password changes need the current password, checked as a
 * login (the account's budget, the fair argon2 queue); a new password must pass the policy and ends
 * every other session of the user. A new email only starts a change (`requestEmailChange`): the
 * answer shows the old one until the link sent to the new address is followed.
 */
export async function updateProfile(
  ctx: AppContext,
  caller: Caller,
  input: UpdateProfileBody,
  requester: Requester,
): Promise<Profile> {
  const user = await loadUser(ctx, caller.userId);
  if (input.password !== undefined) {
    const weak = passwordProblem(input.password, {
      username: user.username,
      email: input.email ?? user.email,
    });
    if (weak) throw invalidField('password', weak);
  }
  if (input.displayName !== undefined && input.displayName !== user.displayName) {
    if (await looksLikeARoommate(ctx, user.id, input.displayName)) {
      throw invalidField(
        'displayName',
        'This name looks like the name of someone in your rooms: choose another.',
      );
    }
  }
  const sensitive = input.password !== undefined || input.email !== undefined;
  if (sensitive) {
    const current = input.currentPassword ?? '';
    const asker = { ...requester, userId: caller.userId };
    if (!(await verifyAsLogin(ctx, `user:${user.id}`, asker, user.passwordHash, current))) {
      throw invalidField('currentPassword', 'Your current password is not correct.');
    }
  }
  const changes: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
  if (input.displayName !== undefined) changes.displayName = input.displayName;
  if (input.notificationPrefs !== undefined) changes.notificationPrefs = input.notificationPrefs;
  if (input.password !== undefined) {
    changes.passwordHash = await hashPasswordFor(
      ctx,
      { ...requester, userId: caller.userId },
      input.password,
    );
  }
  const [updated] = await ctx.db.update(users).set(changes).where(eq(users.id, user.id)).returning();
  if (!updated) throw notFound('user');
  if (input.email !== undefined) await requestEmailChange(ctx, user, input.email);
  await forgetProfile(ctx.db, user.id);
  if (input.password !== undefined)
    await revokeSessionsOf(ctx, user.id, 'password changed', caller.sessionId);
  return toProfile(updated);
}
