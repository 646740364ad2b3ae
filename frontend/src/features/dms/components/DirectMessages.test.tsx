import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MyRoom, Participant, User } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { aMessage, aNotification, aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada Lovelace', username: 'ada' });
const alan = aUser({ displayName: 'Alan Turing', username: 'alan' });

const member = (user: User, online: boolean): Participant => ({
  user,
  role: 'member',
  joinedAt: user.createdAt,
  online,
});

describe('the sidebar', () => {
  it('lists rooms alphabetically and DMs apart, named after the other people, with presence', async () => {
    const withAda: MyRoom = aRoom({
      name: '',
      kind: 'dm',
      visibility: 'private',
      dmMembers: [ada],
      unreadCount: 2,
    });
    const group: MyRoom = aRoom({ name: '', kind: 'dm', visibility: 'private', dmMembers: [ada, alan] });
    const rooms = [
      aRoom({ name: 'zebra' }),
      withAda,
      aRoom({ name: 'Apple' }),
      group,
      aRoom({ name: 'mango' }),
    ];
    const { sockets } = renderApp({
      me,
      handlers: {
        listRooms: () => ({ body: { rooms } }),
        listParticipants: ({ params }) => ({
          body: {
            participants:
              params.id === withAda.id
                ? [member(me, true), member(ada, true)]
                : [member(me, true), member(ada, false), member(alan, false)],
          },
        }),
      },
    });
    const list = await screen.findByRole('list', { name: 'Rooms' });
    expect(
      within(list)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Apple', 'mango', 'zebra']);
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    const dms = screen.getByRole('list', { name: 'Direct messages' });
    expect(await within(dms).findByRole('link', { name: 'Ada Lovelace (online), 2 unread' })).toHaveAttribute(
      'href',
      `/rooms/${withAda.id}`,
    );
    expect(within(dms).getByRole('link', { name: 'Ada Lovelace, Alan Turing' })).toBeInTheDocument();
  });

  it('previews the last message of each DM and follows its edit and delete live', async () => {
    const earlier = aMessage('', 3, { sender: me, body: 'the one before' });
    const last = aMessage('', 4, { sender: ada, body: 'see you at 5' });
    const dm: MyRoom = aRoom({
      name: '',
      kind: 'dm',
      visibility: 'private',
      dmMembers: [ada],
      lastMessage: last,
      lastSeq: 4,
      lastReadSeq: 4,
    });
    last.roomId = dm.id;
    earlier.roomId = dm.id;
    let deletedLast = false;
    const { sockets } = renderApp({
      me,
      handlers: {
        // Like the server, the list shows the last message that is not deleted.
        listRooms: () => ({ body: { rooms: [deletedLast ? { ...dm, lastMessage: earlier } : dm] } }),
        listParticipants: () => ({ body: { participants: [member(me, true), member(ada, true)] } }),
      },
    });
    const dms = await screen.findByRole('list', { name: 'Direct messages' });
    expect(await within(dms).findByText('see you at 5')).toBeInTheDocument();
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    const edited = { ...last, body: 'see you at 6', editedAt: new Date().toISOString() };
    socket.receive({ type: 'message.updated', roomId: dm.id, seq: 5, message: edited });
    expect(await within(dms).findByText('see you at 6')).toBeInTheDocument();
    // Deleted: the preview gives way to the message before it (fetched, as this DM's history is not loaded).
    deletedLast = true;
    const deleted = { ...edited, body: '', deletedAt: new Date().toISOString() };
    socket.receive({ type: 'message.deleted', roomId: dm.id, seq: 6, message: deleted });
    expect(await within(dms).findByText('You: the one before')).toBeInTheDocument();
    expect(within(dms).queryByText(/see you/)).toBeNull();
  });

  it('lists a DM someone else opens with me as soon as its first message notifies me', async () => {
    const first = aMessage('', 1, { sender: ada, body: 'hi Grace' });
    const dm: MyRoom = aRoom({
      name: '',
      kind: 'dm',
      visibility: 'private',
      dmMembers: [ada],
      lastMessage: first,
    });
    first.roomId = dm.id;
    let rooms: MyRoom[] = [];
    const { sockets } = renderApp({
      me,
      handlers: {
        listRooms: () => ({ body: { rooms } }),
        listParticipants: () => ({ body: { participants: [member(me, true), member(ada, true)] } }),
      },
    });
    expect(await screen.findByText('No direct messages yet.')).toBeInTheDocument();
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    rooms = [dm];
    socket.receive({
      type: 'notification.new',
      notification: aNotification({ roomId: dm.id, roomName: null, messageId: first.id, actor: ada }),
    });
    const dms = await screen.findByRole('list', { name: 'Direct messages' });
    expect(await within(dms).findByText('hi Grace')).toBeInTheDocument();
    await waitFor(() =>
      expect(socket.sentOfType('subscribe')).toContainEqual(expect.objectContaining({ roomId: dm.id })),
    );
  });

  it('starts a DM with the people picked and opens it', async () => {
    const dm: MyRoom = aRoom({ name: '', kind: 'dm', visibility: 'private', dmMembers: [ada, alan] });
    let rooms: MyRoom[] = [];
    const { server } = renderApp({
      me,
      handlers: {
        listRooms: () => ({ body: { rooms } }),
        searchUsers: ({ query }) => ({
          body: { users: [me, ada, alan].filter((u) => u.username.startsWith(query.get('q') ?? '')) },
        }),
        openDm: () => {
          rooms = [dm];
          return { status: 201, body: dm };
        },
        listParticipants: () => ({ body: { participants: [member(me, true), member(ada, false)] } }),
        listMessages: () => ({ body: { messages: [], hasMore: false } }),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New direct message' }));
    const dialog = screen.getByRole('dialog', { name: 'New direct message' });
    await user.type(within(dialog).getByLabelText('Find people'), 'ad');
    await user.click(await within(dialog).findByRole('button', { name: 'Pick Ada Lovelace' }));
    await user.type(within(dialog).getByLabelText('Find people'), 'al');
    await user.click(await within(dialog).findByRole('button', { name: 'Pick Alan Turing' }));
    expect(within(within(dialog).getByRole('list', { name: 'To' })).getAllByRole('listitem')).toHaveLength(2);
    await user.click(within(dialog).getByRole('button', { name: 'Start conversation' }));
    await waitFor(() => expect(server.callsTo('openDm')[0]?.body).toEqual({ userIds: [ada.id, alan.id] }));
    expect(
      await screen.findByRole('heading', { name: 'Ada Lovelace, Alan Turing', level: 1 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Leave room' })).not.toBeInTheDocument();
    // A conversation with people, not a #room.
    expect(
      await screen.findByRole('textbox', { name: 'Message Ada Lovelace, Alan Turing' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/^This is the beginning of your conversation with Ada Lovelace, Alan Turing\./),
    ).toBeInTheDocument();
  });
});
