import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './features/auth/hooks/useAuth';
import { Login } from './features/auth/components/Login';
import { Register } from './features/auth/components/Register';
import { Room } from './features/rooms/components/Room';
import { NotificationList } from './features/notifications/components/NotificationList';
import { Profile } from './features/profile/components/Profile';
import { AppShell, Home, NotFound } from './components/AppShell';

function RequireAuth() {
  const { signedIn } = useAuth();
  const location = useLocation();
  if (!signedIn)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
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
      </Route>
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<Home />} />
          <Route path="/rooms/:roomId" element={<Room />} />
          <Route path="/notifications" element={<NotificationList />} />
          <Route path="/profile" element={<Profile />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Route>
    </Routes>
  );
}
