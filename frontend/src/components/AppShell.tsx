import { useEffect } from 'react';
import { Outlet, useMatch } from 'react-router';
import { useRooms } from '../features/rooms/hooks/useRooms';
import { useNotifications } from '../features/notifications/hooks/useNotifications';
import { Sidebar } from './Sidebar';
import { ConnectionBanner } from './ConnectionBanner';

/** Sidebar and main pane; on a narrow screen only one of them shows, the sidebar on the home route. */
/** "(3) messaging-app": what is waiting shows in the tab even when it is in the background. */
function useUnreadTitle() {
  const rooms = useRooms();
  const notifications = useNotifications();
  const unread =
    (rooms.data?.rooms.reduce((sum, room) => sum + room.unreadCount, 0) ?? 0) +
    (notifications.data?.unreadCount ?? 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) messaging-app` : 'messaging-app';
  }, [unread]);
}

export function AppShell() {
  const home = useMatch('/');
  useUnreadTitle();
  return (
    <div className={home ? 'shell at-home' : 'shell'}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Sidebar />
      <main id="main" className="main" tabIndex={-1}>
        <ConnectionBanner />
        <Outlet />
      </main>
    </div>
  );
}

/** The main pane before a room is picked. */
export function Home() {
  return (
    <div className="home">
      <h1>Welcome</h1>
      <p className="muted">Pick a room on the left, create one, or browse the public rooms.</p>
    </div>
  );
}

export function NotFound() {
  return (
    <div className="home">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
    </div>
  );
}
