import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Notification } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { aNotification, aProfile, aRoom } from '../../../test/factories';

function setup(notifications: Notification[]) {
  const room = aRoom({ name: 'general' });
  for (const n of notifications) n.roomId = room.id;
  const unread = () => notifications.filter((n) => !n.readAt).length;
  return renderApp({
    me: aProfile(),
    route: '/notifications',
    handlers: {
      listRooms: () => ({ body: { rooms: [room] } }),
      listNotifications: () => ({ body: { notifications, unreadCount: unread(), hasMore: false } }),
      readNotification: () => ({ status: 204 }),
      readAllNotifications: () => ({ status: 204 }),
      listMessages: () => ({ body: { messages: [], hasMore: false } }),
      listParticipants: () => ({ body: { participants: [] } }),
      markRead: () => ({ status: 204 }),
    },
  });
}

describe('NotificationList', () => {
  it('lists notifications with the unread badge in the sidebar', async () => {
    setup([aNotification({ preview: 'look at this' }), aNotification({ readAt: new Date().toISOString() })]);
    expect(await screen.findByText('look at this')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^Notifications/ })).toHaveAccessibleName(
      'Notifications, 1 unread',
    );
    expect(screen.getAllByRole('button', { name: /Alice mentioned you in #general/ })).toHaveLength(2);
  });

  it('marks one read and opens its message when clicked', async () => {
    const n = aNotification({ preview: 'open me' });
    const { server } = setup([n]);
    await userEvent.click(await screen.findByRole('button', { name: /Alice mentioned you/ }));
    expect(await screen.findByRole('heading', { name: 'general' })).toBeInTheDocument();
    expect(server.callsTo('readNotification')[0]?.params).toEqual({ id: n.id });
    await waitFor(() =>
      expect(screen.getByRole('link', { name: /Notifications/ })).toHaveAccessibleName('Notifications'),
    );
  });

  it('shows as read what another tab or reading the room cleared (notification.read)', async () => {
    const [seen, other] = [
      aNotification({ preview: 'seen in the room' }),
      aNotification({ preview: 'not yet' }),
    ];
    const { sockets } = setup([seen, other]);
    await screen.findByText('seen in the room');
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: aProfile(), sessionId: crypto.randomUUID() });
    await waitFor(() =>
      expect(screen.getByRole('link', { name: /^Notifications/ })).toHaveAccessibleName(
        'Notifications, 2 unread',
      ),
    );
    socket.receive({ type: 'notification.read', ids: [seen.id] });
    await waitFor(() =>
      expect(screen.getByRole('link', { name: /^Notifications/ })).toHaveAccessibleName(
        'Notifications, 1 unread',
      ),
    );
  });

  it('marks all read', async () => {
    const { server } = setup([aNotification(), aNotification()]);
    const button = await screen.findByRole('button', { name: 'Mark all read' });
    await userEvent.click(button);
    expect(server.callsTo('readAllNotifications')).toHaveLength(1);
    expect(button).toBeDisabled();
    const list = screen.getByRole('list', { name: 'Notifications' });
    expect(within(list).queryAllByText('(unread)')).toHaveLength(0);
  });

  it('says when there is nothing', async () => {
    setup([]);
    expect(await screen.findByText(/You are all caught up/)).toBeInTheDocument();
  });
});
