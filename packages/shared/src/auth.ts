import { z } from 'zod';
import { DisplayName, Email, Password, Profile, Username } from './users.js';
import { limits } from './limits.js';

export const RegisterBody = z.object({
  username: Username,
  email: Email,
  password: Password,
  displayName: DisplayName.optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({
  login: z.string().trim().min(1).max(limits.emailMax).describe('username or email'),
  password: z.string().min(1).max(limits.passwordMax),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = z.object({ refreshToken: z.string().min(1).max(512).optional() }).optional();

export const AuthResponse = z.object({
  user: Profile,
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.int(),
});
export type AuthResponse = z.infer<typeof AuthResponse>;

/** Asks for a password reset link: answered the same whether an account uses the address or not. */
export const PasswordResetBody = z.object({ email: Email });
export type PasswordResetBody = z.infer<typeof PasswordResetBody>;

/** The answer to a reset request: the same words whether an account uses the address or not. */
export const PasswordResetAccepted = z.object({ detail: z.string() });
export type PasswordResetAccepted = z.infer<typeof PasswordResetAccepted>;
/** How long a password reset link works. */
export const passwordResetLinkMinutes = 30;
export const passwordResetAcceptedDetail = `If an account uses this address, a link to reset its password is on its way. It works for ${passwordResetLinkMinutes} minutes.`;

/** Follows a password reset link: its token and the new password. */
export const PasswordResetConfirmBody = z.object({
  token: z.string().min(1).max(200),
  password: Password,
});
export type PasswordResetConfirmBody = z.infer<typeof PasswordResetConfirmBody>;
