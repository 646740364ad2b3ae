import { useState } from 'react';
import { Link, NavLink } from 'react-router';
import { useAuth } from '../features/auth/hooks/useAuth';
import { RoomList } from '../features/rooms/components/RoomList';
import { CreateRoomDialog } from '../features/rooms/components/CreateRoomDialog';
import { DiscoverRoomsDialog } from '../features/rooms/components/DiscoverRoomsDialog';
import { useNotifications } from '../features/notifications/hooks/useNotifications';
import { DirectMessages } from '../features/dms/components/DirectMessages';
import { NewDmDialog } from '../features/dms/components/NewDmDialog';
import { SearchBox } from '../features/search/components/SearchBox';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { UnreadBadge, withUnread } from './UnreadBadge';

/** Navigation: who I am, search, notifications, my rooms, and the ways to get into more rooms. */
export function Sidebar() {
  const { user, signOut } = useAuth();
  const notifications = useNotifications();
  const unread = notifications.data?.unreadCount ?? 0;
  const [dialog, setDialog] = useState<'create' | 'discover' | 'dm' | null>(null);

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar-top">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            #
          </span>
          messaging-app
        </Link>
        <SearchBox />
      </div>
      <NavLink to="/notifications" className="sidebar-item" aria-label={withUnread('Notifications', unread)}>
        <Icon name="bell" />
        <span>Notifications</span>
        <UnreadBadge count={unread} />
      </NavLink>
      <div className="sidebar-section">
        <h2>Rooms</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Create room"
          onClick={() => setDialog('create')}
        >
          +
        </button>
      </div>
      <RoomList />
      <button type="button" className="sidebar-item browse" onClick={() => setDialog('discover')}>
        <Icon name="search" /> Browse rooms
      </button>
      <div className="sidebar-section">
        <h2>Direct messages</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="New direct message"
          onClick={() => setDialog('dm')}
        >
          +
        </button>
      </div>
      <DirectMessages myUserId={user?.id} />
      <div className="sidebar-footer">
        {user && (
          <NavLink to="/profile" className="me" aria-label={`Profile: ${user.displayName}`}>
            <Avatar user={user} size={28} />
            <span className="me-name">{user.displayName}</span>
          </NavLink>
        )}
        <button type="button" className="button subtle" onClick={() => void signOut()}>
          Log out
        </button>
      </div>
      {dialog === 'create' && <CreateRoomDialog onClose={() => setDialog(null)} />}
      {dialog === 'discover' && <DiscoverRoomsDialog onClose={() => setDialog(null)} />}
      {dialog === 'dm' && <NewDmDialog myUserId={user?.id} onClose={() => setDialog(null)} />}
    </nav>
  );
}
