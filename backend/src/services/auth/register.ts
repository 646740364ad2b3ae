import type { AuthResponse, RegisterBody } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import { sqlState, uniqueViolation, violatedConstraint } from '../../db/errors.js';
import type { AppContext } from '../context.js';
import { conflict } from '../errors.js';
import { hashPassword } from './passwords.js';
import { startSession } from './sessions.js';

/** Creates an account and logs it in. Usernames and emails are unique regardless of case. */
export async function register(
  ctx: AppContext,
  input: RegisterBody,
  userAgent?: string,
): Promise<AuthResponse> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          username: input.username,
          email: input.email,
          displayName: input.displayName ?? input.username,
          passwordHash,
        })
        .returning();
      if (!user) throw new Error('user insert returned nothing');
      return startSession(ctx, tx, user, userAgent);
    });
  } catch (error) {
    if (sqlState(error) === uniqueViolation) {
      if (violatedConstraint(error) === 'users_email_lower_key') {
        throw conflict('that email is already registered', 'email_taken');
      }
      throw conflict('that username is taken', 'username_taken');
    }
    throw error;
  }
}
