import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuthResponse, Profile } from '@messaging-app/shared';
import { session, tokensOf } from '../../../utils/session';
import { fetchProfile, logout, profileKey } from '../api/auth';

export interface AuthValue {
  /** True while tokens are held (the profile may still be loading). */
  signedIn: boolean;
  user: Profile | null;
  signIn(response: AuthResponse): void;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

/** Holds the session tokens and the signed-in user's profile. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const tokens = useSyncExternalStore(session.subscribe, session.get);
  const signedIn = tokens !== null;
  const profile = useQuery({
    queryKey: profileKey,
    queryFn: fetchProfile,
    enabled: signedIn,
    staleTime: Infinity,
  });

  // The session ended (logout, refresh refused, revoked elsewhere): nothing of the last user may linger.
  useEffect(() => {
    if (!signedIn) queryClient.clear();
  }, [signedIn, queryClient]);

  const signIn = useCallback(
    (response: AuthResponse) => {
      queryClient.clear();
      queryClient.setQueryData(profileKey, response.user);
      session.set(tokensOf(response));
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      // Signing out locally must happen even when the server cannot be reached.
      session.set(null);
    }
  }, []);

  const value = useMemo<AuthValue>(
    () => ({ signedIn, user: profile.data ?? null, signIn, signOut }),
    [signedIn, profile.data, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
