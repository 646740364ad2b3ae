import type {
  AuthResponse,
  LoginBody,
  PasswordResetAccepted,
  Profile,
  RegisterBody,
  UpdateProfileBody,
} from '@messaging-app/shared';
import { call } from '../../../utils/api';
import { session } from '../../../utils/session';

export const profileKey = ['profile'] as const;

export const fetchProfile = (): Promise<Profile> => call('getProfile');
export const login = (body: LoginBody): Promise<AuthResponse> => call('login', { body });
export const register = (body: RegisterBody): Promise<AuthResponse> => call('register', { body });
export const updateProfile = (body: UpdateProfileBody): Promise<Profile> => call('updateProfile', { body });
/** Follows the link of an email change (its token): the profile comes back with the new email. */
export const confirmEmailChange = (token: string): Promise<Profile> =>
  call('confirmEmailChange', { body: { token } });

/** Revokes the session on the server; the refresh token goes too so it cannot be replayed. */
export async function logout(): Promise<void> {
  const refreshToken = session.get()?.refreshToken;
  await call('logout', { body: refreshToken ? { refreshToken } : {} });
}

/** Asks for a reset link; the answer (the same whether the address has an account) says what happens. */
export const requestPasswordReset = (email: string): Promise<PasswordResetAccepted> =>
  call('requestPasswordReset', { body: { email } });
/** Sets a new password with a reset link's token; every session of the account ends. */
export const confirmPasswordReset = (token: string, password: string): Promise<void> =>
  call('confirmPasswordReset', { body: { token, password } });
