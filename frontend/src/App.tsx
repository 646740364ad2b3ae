import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './features/auth/hooks/useAuth';
import { Login } from './features/auth/components/Login';
import { Register } from './features/auth/components/Register';
import { ForgotPassword } from './features/auth/components/ForgotPassword';
import { ResetPassword } from './features/auth/components/ResetPassword';

// The signed-in app (rooms, messages, Markdown, notifications, profile) is one chunk of its own, loaded
// once: the sign-in page, the first thing a person sees, loads without it.
const signedIn = () => import('./signed-in');
type SignedIn = Awaited<ReturnType<typeof signedIn>>;
const part = (name: keyof SignedIn) => lazy(() => signedIn().then((module) => ({ default: module[name] })));
const AppShell = part('AppShell');
const Home = part('Home');
const NotFound = part('NotFound');
const Room = part('Room');
const NotificationList = part('NotificationList');
const Profile = part('Profile');
const ConfirmEmail = part('ConfirmEmail');
const SearchResults = part('SearchResults');

function RequireAuth() {
  const { signedIn } = useAuth();
  const location = useLocation();
  if (!signedIn)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <Suspense fallback={<p className="loading-app">Loading…</p>}>
      <Outlet />
    </Suspense>
  );
}

function GuestOnly() {
  const { signedIn } = useAuth();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  if (signedIn) return <Navigate to={from ?? '/'} replace />;
  return <Outlet />;
}

/** The routes of the app; providers live in main.tsx (and in tests' render helper). */
export function App() {
  return (
    <Routes>
      <Route element={<GuestOnly />}>
        <Route path="/login" element={<Login />} />
        <Route path="/register" element={<Register />} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
      </Route>
      {/* A reset link works signed in or not: it ends every session of the account anyway. */}
      <Route path="/reset-password" element={<ResetPassword />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<Home />} />
          <Route path="/rooms/:roomId" element={<Room />} />
          <Route path="/notifications" element={<NotificationList />} />
          <Route path="/search" element={<SearchResults />} />
          <Route path="/profile" element={<Profile />} />
          <Route path="/profile/confirm-email" element={<ConfirmEmail />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Route>
    </Routes>
  );
}
