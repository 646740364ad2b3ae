import type { AuthResponse, RegisterBody } from '@messaging-app/shared';
import { users } from '../../db/schema.js';
import { sqlState, uniqueViolation, violatedConstraint } from '../../db/errors.js';
import type { AppContext } from '../context.js';
import { invalidField, takenField } from '../errors.js';
import { startSession } from './sessions.js';
import { hashPasswordFor } from './password-check.js';
import type { Requester } from './password-check.js';
import { passwordProblem } from './password-policy.js';

/**
 * Creates an account and logs it in. Usernames and emails are unique regardless of case. A taken
 * email answers 409: the contract hands out a session at once, so an answer that hides it is not
 * possible here (docs/security.md); registration is limited per address instead.
 */
export async function register(
  ctx: AppContext,
  input: RegisterBody,
  requester: Requester,
): Promise<AuthResponse> {
  const weak = passwordProblem(input.password, input);
  if (weak) throw invalidField('password', weak);
  const passwordHash = await hashPasswordFor(ctx, requester, input.password);
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
      return startSession(ctx, tx, user, requester.userAgent);
    });
  } catch (error) {
    if (sqlState(error) === uniqueViolation) {
      if (violatedConstraint(error) === 'users_email_lower_key') {
        throw takenField('email', 'email_taken', 'An account with this email already exists.');
      }
      throw takenField('username', 'username_taken', 'This username is taken.');
    }
    throw error;
  }
}
