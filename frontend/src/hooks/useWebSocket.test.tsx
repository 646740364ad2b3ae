import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import { renderApp } from '../test/render';
import { aMessage, aNotification, aProfile, aRoom, aUser } from '../test/factories';
import type { FakeSocket } from '../test/fakeSocket';
import type { Notification } from '@messaging-app/shared';

const me = aProfile();
const ada = aUser({ displayName: 'Ada' });

function ready(socket: FakeSocket) {
  socket.open();
  socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('useWebSocket', () => {
  it('follows every room of the sidebar and counts unread messages as they arrive', async () => {
    const room = aRoom({ name: 'general', lastSeq: 4, lastReadSeq: 4 });
    const { sockets } = renderApp({ me, handlers: { listRooms: () => ({ body: { rooms: [room] } }) } });
    await screen.findByRole('link', { name: 'general' });
    const socket = sockets.last();
    ready(socket);
    await waitFor(() =>
      expect(socket.sentOfType('subscribe')).toEqual([{ type: 'subscribe', roomId: room.id, afterSeq: 4 }]),
    );
    socket.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 5,
      message: aMessage(room.id, 5, { sender: ada }),
    });
    socket.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 6,
      message: aMessage(room.id, 6, { sender: ada }),
    });
    expect(await screen.findByRole('link', { name: 'general, 2 unread' })).toBeInTheDocument();
  });

  it('resumes each room from the last seq it saw after the connection drops, showing "Reconnecting…"', async () => {
    const room = aRoom({ name: 'general', lastSeq: 1, lastReadSeq: 1 });
    const { sockets } = renderApp({ me, handlers: { listRooms: () => ({ body: { rooms: [room] } }) } });
    await screen.findByRole('link', { name: 'general' });
    const first = sockets.last();
    ready(first);
    await waitFor(() => expect(first.sentOfType('subscribe')).toHaveLength(1));
    first.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 2,
      message: aMessage(room.id, 2, { sender: ada }),
    });
    act(() => first.drop(1006));
    expect(await screen.findByRole('status')).toHaveTextContent('Reconnecting…');
    await waitFor(() => expect(sockets.sockets).toHaveLength(2), { timeout: 3000 });
    const second = sockets.last();
    act(() => ready(second));
    expect(second.sentOfType('subscribe')).toEqual([{ type: 'subscribe', roomId: room.id, afterSeq: 2 }]);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(''));
    // The replayed event the server sends after the resume is counted once.
    second.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 2,
      message: aMessage(room.id, 2, { sender: ada }),
    });
    second.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 3,
      message: aMessage(room.id, 3, { sender: ada }),
    });
    expect(await screen.findByRole('link', { name: 'general, 2 unread' })).toBeInTheDocument();
  });

  it('renames a room in the sidebar when its room.updated arrives, and counts its seq', async () => {
    const room = aRoom({ name: 'general', lastSeq: 4, lastReadSeq: 4 });
    const { sockets } = renderApp({ me, handlers: { listRooms: () => ({ body: { rooms: [room] } }) } });
    await screen.findByRole('link', { name: 'general' });
    const socket = sockets.last();
    ready(socket);
    await waitFor(() => expect(socket.sentOfType('subscribe')).toHaveLength(1));
    socket.receive({
      type: 'room.updated',
      roomId: room.id,
      seq: 5,
      name: 'town-square',
      description: 'Everyone',
      visibility: 'public',
      actor: ada,
    });
    expect(await screen.findByRole('link', { name: 'town-square' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'general' })).toBeNull();
    // The event took seq 5: the next message is no gap, and it is the one unread.
    socket.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 6,
      message: aMessage(room.id, 6, { sender: ada }),
    });
    expect(await screen.findByRole('link', { name: 'town-square, 1 unread' })).toBeInTheDocument();
  });

  it('raises the notification badge when a mention arrives', async () => {
    const stored: Notification[] = [];
    const { sockets, queryClient } = renderApp({
      me,
      handlers: {
        listNotifications: () => ({
          body: { notifications: stored, unreadCount: stored.length, hasMore: false },
        }),
      },
    });
    await screen.findByRole('link', { name: 'Notifications' });
    const socket = sockets.last();
    ready(socket);
    // A (re)connect refetches notifications; let that settle so the test controls the order.
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    // As on the server: the notification is stored before it is pushed.
    const mention = aNotification();
    stored.push(mention);
    socket.receive({ type: 'notification.new', notification: mention });
    expect(await screen.findByRole('link', { name: 'Notifications, 1 unread' })).toBeInTheDocument();
  });

  it('refreshes the access token once when the socket is refused, and signs out when refresh fails', async () => {
    const { sockets, server } = renderApp({
      me,
      handlers: {
        refresh: () => ({ status: 401, body: { status: 401, code: 'unauthorized', detail: 'spent' } }),
      },
    });
    await screen.findByRole('link', { name: 'Notifications' });
    const socket = sockets.last();
    socket.open();
    act(() => socket.drop(4401));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(server.callsTo('refresh')).toHaveLength(1);
  });
});
