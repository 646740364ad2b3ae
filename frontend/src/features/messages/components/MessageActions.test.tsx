import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { EditMessageBody, Message } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import type { Handlers } from '../../../test/fakeApi';
import { aMessage, aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada' });

function roomWith(messages: Message[], role: 'member' | 'admin' = 'member', extra: Handlers = {}) {
  const room = aRoom({ name: 'general', role, lastSeq: 10, lastReadSeq: 10 });
  for (const m of messages) m.roomId = room.id;
  const handlers: Handlers = {
    listRooms: () => ({ body: { rooms: [room] } }),
    listMessages: () => ({ body: { messages, hasMore: false } }),
    listParticipants: () => ({
      body: {
        participants: [
          { user: ada, role: 'member', joinedAt: ada.createdAt, online: true },
          { user: me, role, joinedAt: me.createdAt, online: true },
        ],
      },
    }),
    markRead: () => ({ status: 204 }),
    ...extra,
  };
  return { room, handlers };
}

const log = () => screen.findByRole('log', { name: 'Messages in general' });
const itemOf = async (text: string) => {
  const found = await within(await log()).findByText(text);
  const item = found.closest('li.message');
  if (!(item instanceof HTMLElement)) throw new Error(`no message item around ${text}`);
  return item;
};

describe('message actions', () => {
  it('edits my message in place; others get no Edit', async () => {
    const mine = aMessage('', 3, { sender: me, body: 'helo' });
    const theirs = aMessage('', 4, { sender: ada, body: 'from ada' });
    const { room, handlers } = roomWith([mine, theirs], 'member', {
      editMessage: ({ body, params }) => ({
        body: {
          ...mine,
          roomId: params.id ?? '',
          body: (body as EditMessageBody).body,
          editedAt: new Date().toISOString(),
        },
      }),
    });
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const theirItem = await itemOf('from ada');
    expect(within(theirItem).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(theirItem).queryByRole('button', { name: 'Delete' })).toBeNull();
    await userEvent.click(within(await itemOf('helo')).getByRole('button', { name: 'Edit' }));
    const box = screen.getByRole('textbox', { name: 'Edit message' });
    await userEvent.clear(box);
    await userEvent.type(box, 'hello{Enter}');
    expect(server.callsTo('editMessage')[0]).toMatchObject({
      params: { messageId: mine.id },
      body: { body: 'hello' },
    });
    const edited = await itemOf('hello');
    expect(within(edited).getByRole('button', { name: '(edited)' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
  });

  it('opens my last message for editing with ↑ in the empty composer, Escape cancels', async () => {
    const { room, handlers } = roomWith([
      aMessage('', 2, { sender: me, body: 'older of mine' }),
      aMessage('', 3, { sender: me, body: 'newest of mine' }),
      aMessage('', 4, { sender: ada, body: 'ada after' }),
    ]);
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await itemOf('ada after');
    const composer = screen.getByRole('textbox', { name: 'Message #general' });
    await userEvent.click(composer);
    await userEvent.keyboard('{ArrowUp}');
    const box = screen.getByRole('textbox', { name: 'Edit message' });
    expect(box).toHaveValue('newest of mine');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
  });

  it('deletes after confirming; an admin may delete anyone’s message', async () => {
    const theirs = aMessage('', 4, { sender: ada, body: 'a secret' });
    const { room, handlers } = roomWith([theirs], 'admin', { deleteMessage: () => ({ status: 204 }) });
    const { server, sockets } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(within(await itemOf('a secret')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete message?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(server.callsTo('deleteMessage')).toHaveLength(1));
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() => expect(socket.sentOfType('subscribe')).toHaveLength(1));
    socket.receive({
      type: 'message.deleted',
      roomId: room.id,
      seq: 11,
      message: { ...theirs, body: '', deletedAt: new Date().toISOString() },
    });
    expect(await within(await log()).findByText('This message was deleted.')).toBeInTheDocument();
    expect(within(await log()).queryByText('a secret')).toBeNull();
  });

  it('shows reaction chips with who reacted, toggles mine, and follows reaction frames', async () => {
    const message = aMessage('', 4, {
      sender: ada,
      body: 'ship it',
      reactions: [{ emoji: '👍', count: 1, userIds: [ada.id] }],
    });
    const { room, handlers } = roomWith([message], 'member', {
      addReaction: () => ({ status: 204 }),
      removeReaction: () => ({ status: 204 }),
    });
    const { server, sockets } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const item = await itemOf('ship it');
    const chip = await within(item).findByRole('button', { name: '👍 1: Ada' });
    expect(chip).toHaveAttribute('aria-pressed', 'false');
    expect(chip).toHaveAttribute('title', 'Ada reacted with 👍');
    await userEvent.click(chip);
    expect(await within(item).findByRole('button', { name: '👍 2: Ada, you' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(server.callsTo('addReaction')[0]?.params).toMatchObject({ messageId: message.id, emoji: '👍' });

    // The picker: search by name, pick.
    await userEvent.click(within(item).getByRole('button', { name: 'Add reaction' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search emoji' }), 'rocket');
    await userEvent.click(screen.getByRole('button', { name: 'rocket launch' }));
    expect(await within(item).findByRole('button', { name: '🚀 1: you' })).toBeInTheDocument();

    // Someone else's reaction arrives over the socket, then is taken back.
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() => expect(socket.sentOfType('subscribe')).toHaveLength(1));
    const frame = {
      type: 'reaction.added',
      roomId: room.id,
      seq: 11,
      messageId: message.id,
      emoji: '🎉',
      userId: ada.id,
    } as const;
    socket.receive(frame);
    socket.receive(frame);
    expect(await within(item).findByRole('button', { name: '🎉 1: Ada' })).toBeInTheDocument();
    socket.receive({ ...frame, type: 'reaction.removed', seq: 12 });
    await waitFor(() => expect(within(item).queryByRole('button', { name: /🎉/ })).toBeNull());
  });

  it('marks the room unread from a message, moving the read marker and the divider to just before it', async () => {
    const { room, handlers } = roomWith([
      aMessage('', 5, { sender: ada, body: 'already read' }),
      aMessage('', 6, { sender: me, body: 'mine, read me later' }),
      aMessage('', 7, { sender: ada, body: 'after mine' }),
    ]);
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await itemOf('after mine');
    expect(screen.queryByText('New messages')).toBeNull();
    await userEvent.click(
      within(await itemOf('mine, read me later')).getByRole('button', { name: 'Mark unread' }),
    );
    await waitFor(() =>
      expect(server.callsTo('markRead').map((c) => c.body)).toContainEqual({ seq: 5, unread: true }),
    );
    // The divider sits right before the chosen message, even one of mine.
    const divider = await within(await log()).findByText('New messages');
    const items = within(await log()).getAllByRole('listitem');
    const at = items.findIndex((li) => li.contains(divider));
    expect(items[at + 1]).toHaveTextContent('mine, read me later');
    expect(items[at - 1]).toHaveTextContent('already read');
  });

  it('moves the divider when another tab marks the room unread, not when the room list is fetched again', async () => {
    const { room, handlers } = roomWith([
      aMessage('', 8, { sender: ada, body: 'eight' }),
      aMessage('', 9, { sender: ada, body: 'nine' }),
    ]);
    const { sockets, queryClient } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await itemOf('nine');
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    // A list fetched again with an older marker (a read still on its way) is not a "mark unread".
    room.lastReadSeq = 7;
    await queryClient.refetchQueries({ queryKey: ['rooms'] });
    expect(screen.queryByText('New messages')).toBeNull();
    // Another tab marks the room unread from "eight": the server's marker goes back to 6.
    socket.receive({ type: 'room.read', roomId: room.id, lastReadSeq: 6, unreadCount: 2 });
    const divider = await within(await log()).findByText('New messages');
    const items = within(await log()).getAllByRole('listitem');
    expect(items[items.findIndex((li) => li.contains(divider)) + 1]).toHaveTextContent('eight');
  });
});
