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
