import { PasswordResetAccepted, PasswordResetBody, PasswordResetConfirmBody } from './auth.js';
import type { Endpoint } from './api.js';

/** Account recovery (DESIGN §4b). Spread into the route table of `api.ts`, whose entries they are. */
export const accountEndpoints = {
  requestPasswordReset: {
    method: 'POST',
    path: '/api/auth/password-reset',
    summary:
      'Mail a single-use password reset link to the account with this email; the answer is the same when there is none',
    tag: 'auth',
    auth: false,
    body: PasswordResetBody,
    responses: { 202: PasswordResetAccepted },
  },
  confirmPasswordReset: {
    method: 'POST',
    path: '/api/auth/password-reset/confirm',
    summary:
      "Set a new password with the link's token: the token is spent and every session of the account ends",
    tag: 'auth',
    auth: false,
    body: PasswordResetConfirmBody,
    responses: { 204: null },
  },
} satisfies Record<string, Endpoint>;
