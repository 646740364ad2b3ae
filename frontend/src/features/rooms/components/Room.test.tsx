import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Message, SendMessageBody } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import type { Handlers } from '../../../test/fakeApi';
import { aMessage, aProfile, aRoom, aUser } from '../../../test/factories';
import { messagesKey } from '../../messages/api/messages';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada' });

function roomWith(messages: Message[], extra: Handlers = {}, hasMore = false) {
  const room = aRoom({
    name: 'general',
    lastSeq: messages.at(-1)?.seq ?? 0,
    lastReadSeq: messages.at(-1)?.seq ?? 0,
  });
  for (const m of messages) m.roomId = room.id;
  let seq = room.lastSeq;
  const handlers: Handlers = {
    listRooms: () => ({ body: { rooms: [room] } }),
    listMessages: ({ query }) =>
      query.get('before')
        ? {
            body: {
              messages: [aMessage(room.id, 1, { sender: ada, body: 'the very first' })],
              hasMore: false,
            },
          }
        : { body: { messages, hasMore } },
    listParticipants: () => ({
      body: { participants: [{ user: ada, role: 'member', joinedAt: ada.createdAt, online: true }] },
    }),
    // Like the server: a message is stored once per clientMsgId and is part of the history from then on.
    sendMessage: ({ body }) => {
      const sent = body as SendMessageBody;
      const stored = messages.find((m) => m.clientMsgId === sent.clientMsgId);
      if (stored) return { status: 200, body: stored };
      seq += 1;
      const message = aMessage(room.id, seq, { sender: me, body: sent.body, clientMsgId: sent.clientMsgId });
      messages.push(message);
      return { status: 201, body: message };
    },
    markRead: () => ({ status: 204 }),
    ...extra,
  };
  return { room, handlers };
}

const composer = () => screen.getByRole('textbox', { name: 'Message #general' });
const log = () => screen.getByRole('log', { name: 'Messages in general' });
const findLog = () => screen.findByRole('log', { name: 'Messages in general' });

describe('Room', () => {
  it('shows the header, the members with their status, and the history', async () => {
    const { room, handlers } = roomWith([aMessage('', 2, { sender: ada, body: 'hello there' })]);
    const { sockets } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    expect(await screen.findByRole('heading', { name: 'general' })).toBeInTheDocument();
    expect(await within(await findLog()).findByText('hello there')).toBeInTheDocument();
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await userEvent.click(await screen.findByRole('button', { name: /· 1 online/ }));
    const members = screen.getByRole('list', { name: 'Members' });
    expect(within(members).getByText('Ada')).toBeInTheDocument();
    expect(within(members).getByLabelText('online')).toBeInTheDocument();
  });

  it('claims nobody is online while its own socket is down', async () => {
    const { room, handlers } = roomWith([]);
    const { sockets } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await screen.findByRole('button', { name: /1 online/ });
    socket.drop();
    await userEvent.click(await screen.findByRole('button', { name: /· presence unknown/ }));
    const members = screen.getByRole('list', { name: 'Members' });
    expect(within(members).queryByLabelText('online')).toBeNull();
    expect(within(members).getByLabelText('status unknown')).toBeInTheDocument();
  });

  it('sends on Enter with a clientMsgId, breaks the line on Shift+Enter', async () => {
    const { room, handlers } = roomWith([]);
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await screen.findByText(/No messages yet: say hello!/);
    await userEvent.type(composer(), 'line one{Shift>}{Enter}{/Shift}line two');
    expect(composer()).toHaveValue('line one\nline two');
    expect(server.callsTo('sendMessage')).toHaveLength(0);
    await userEvent.type(composer(), '{Enter}');
    expect(composer()).toHaveValue('');
    await waitFor(() => expect(within(log()).getByText(/line one\s+line two/)).toBeInTheDocument());
    const [call] = server.callsTo('sendMessage');
    expect(call?.body).toMatchObject({ body: 'line one\nline two' });
    expect((call?.body as SendMessageBody).clientMsgId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(within(log()).queryByText('(sending)')).toBeNull());
  });

  it('keeps a message the server cannot take yet queued, and sends it with the same clientMsgId when the socket is back', async () => {
    let down = true;
    const { room, handlers } = roomWith([]);
    const send = handlers.sendMessage;
    if (!send) throw new Error('roomWith defines sendMessage');
    const { server, sockets } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        ...handlers,
        sendMessage: (request) => (down ? problem(503, 'unavailable', 'try later') : send(request)),
      },
    });
    await screen.findByText(/No messages yet: say hello!/);
    await userEvent.type(composer(), 'are you there?{Enter}');
    await waitFor(() => expect(server.callsTo('sendMessage')).toHaveLength(1));
    // Not failed: still there, waiting for the connection, with nothing to click.
    expect(within(log()).getByText('are you there?')).toBeInTheDocument();
    expect(within(log()).getByText('Waiting for the connection…')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
    down = false;
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() => expect(within(log()).queryByText('(sending)')).toBeNull());
    await waitFor(() => expect(within(log()).queryByText('Waiting for the connection…')).toBeNull());
    expect(within(log()).getAllByText('are you there?')).toHaveLength(1);
    const ids = server.callsTo('sendMessage').map((c) => (c.body as SendMessageBody).clientMsgId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('shows why the server refused a message for good, with Retry and Delete', async () => {
    const { room, handlers } = roomWith([]);
    const { server } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: { ...handlers, sendMessage: () => problem(403, 'forbidden', 'join the room first') },
    });
    await screen.findByText(/No messages yet: say hello!/);
    await userEvent.type(composer(), 'let me in{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Not sent: join the room first');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(server.callsTo('sendMessage')).toHaveLength(2));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not sent: join the room first');
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(log()).queryByText('let me in')).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("keeps each room's unsent text across a reload", async () => {
    const { room, handlers } = roomWith([]);
    const first = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await screen.findByText(/No messages yet: say hello!/);
    await userEvent.type(composer(), 'half a thought');
    first.unmount();
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await screen.findByText(/No messages yet: say hello!/);
    expect(composer()).toHaveValue('half a thought');
    await userEvent.type(composer(), '{Enter}');
    expect(composer()).toHaveValue('');
    expect(localStorage.getItem(`messaging-app.draft.${me.id}.${room.id}`)).toBeNull();
  });

  it('shows a message that arrives over the socket and marks it read', async () => {
    const { room, handlers } = roomWith([aMessage('', 1, { sender: ada, body: 'first' })]);
    const { sockets, server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await within(await findLog()).findByText('first');
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() =>
      expect(socket.sentOfType('subscribe')).toEqual([{ type: 'subscribe', roomId: room.id, afterSeq: 1 }]),
    );
    socket.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 2,
      message: aMessage(room.id, 2, { sender: ada, body: 'live!' }),
    });
    expect(await within(log()).findByText('live!')).toBeInTheDocument();
    await waitFor(() => expect(server.callsTo('markRead').map((c) => c.body)).toContainEqual({ seq: 2 }));
  });

  it('keeps the loaded history on screen while the server cannot refresh it, and fills the gap once it can', async () => {
    let down = false;
    const { room, handlers } = roomWith([]);
    // What the server has stored; the socket only rang for the first and the last.
    const stored = ['first', 'missed 2', 'missed 3', 'after the gap'].map((body, i) =>
      aMessage(room.id, i + 1, { sender: ada, body }),
    );
    let seen = 1;
    const { sockets, queryClient } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        ...handlers,
        listMessages: ({ query }) => {
          if (down) return problem(503, 'unavailable', 'the database is away');
          const after = Number(query.get('after') ?? 0);
          return { body: { messages: stored.filter((m) => m.seq > after && m.seq <= seen), hasMore: false } };
        },
      },
    });
    await within(await findLog()).findByText('first');
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() => expect(socket.sentOfType('subscribe')).toHaveLength(1));

    // Seqs 2 and 3 never rang; filling the gap and refreshing the history both fail.
    down = true;
    seen = 4;
    socket.receive({ type: 'message.new', roomId: room.id, seq: 4, message: stored[3] as Message });
    await waitFor(() => expect(queryClient.getQueryState(messagesKey(room.id))?.status).toBe('error'));
    expect(within(log()).getByText('first')).toBeInTheDocument();
    expect(within(log()).getByText('after the gap')).toBeInTheDocument();
    expect(screen.queryByText(/Could not load messages/)).toBeNull();

    down = false;
    expect(await within(log()).findByText('missed 3', {}, { timeout: 5000 })).toBeInTheDocument();
    const bodies = within(log())
      .getAllByText(/^(first|missed \d|after the gap)$/)
      .map((element) => element.textContent);
    expect(bodies).toEqual(['first', 'missed 2', 'missed 3', 'after the gap']);
  });

  it('shows what is typed while the history cannot load, and loads the history once the socket is back', async () => {
    let down = true;
    const { room, handlers } = roomWith([aMessage('', 1, { sender: ada, body: 'from before' })]);
    const { listMessages: history, sendMessage: send } = handlers;
    if (!history || !send) throw new Error('roomWith defines listMessages and sendMessage');
    const away = () => problem(503, 'unavailable', 'the database is away');
    const { sockets } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        ...handlers,
        listMessages: (request) => (down ? away() : history(request)),
        sendMessage: (request) => (down ? away() : send(request)),
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(/Could not load messages/);
    await userEvent.type(composer(), 'typed meanwhile{Enter}');
    expect(await within(log()).findByText('typed meanwhile')).toBeInTheDocument();
    expect(within(log()).getByText('Waiting for the connection…')).toBeInTheDocument();

    down = false;
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    expect(await within(log()).findByText('from before')).toBeInTheDocument();
    await waitFor(() => expect(within(log()).queryByText('(sending)')).toBeNull());
    // Sent while the history was loading from before it: it is in the history all the same, once.
    expect(await within(log()).findByText('typed meanwhile')).toBeInTheDocument();
    expect(within(log()).getAllByText('typed meanwhile')).toHaveLength(1);
    expect(screen.queryByText(/Could not load messages/)).toBeNull();
  });

  it('shows membership changes between the messages, from history and live', async () => {
    const bob = aUser({ displayName: 'Bob' });
    const cyd = aUser({ displayName: 'Cyd' });
    const { room, handlers } = roomWith([aMessage('', 1, { sender: ada, body: 'welcome' })], {
      listMessages: ({ query }) =>
        query.get('before')
          ? { body: { messages: [], events: [], hasMore: false } }
          : {
              body: {
                messages: [aMessage(room.id, 1, { sender: ada, body: 'welcome' })],
                events: [
                  { type: 'member.joined', roomId: room.id, seq: 2, user: bob, actor: ada },
                  { type: 'member.updated', roomId: room.id, seq: 3, user: bob, actor: ada, role: 'admin' },
                ],
                hasMore: true,
              },
            },
    });
    Object.assign(room, { lastSeq: 3, lastReadSeq: 3 });
    const { sockets, server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const messages = await findLog();
    expect(await within(messages).findByText('Ada added Bob')).toBeInTheDocument();
    expect(within(messages).getByText('Ada made Bob an admin')).toBeInTheDocument();
    const lines = within(messages)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(lines.findIndex((t) => t?.includes('welcome'))).toBeLessThan(
      lines.findIndex((t) => t?.includes('Ada added Bob')),
    );
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    socket.receive({ type: 'member.joined', roomId: room.id, seq: 4, user: cyd });
    socket.receive({ type: 'member.left', roomId: room.id, seq: 5, user: cyd, actor: ada });
    socket.receive({ type: 'member.left', roomId: room.id, seq: 6, user: bob });
    expect(await within(log()).findByText('Cyd joined')).toBeInTheDocument();
    expect(within(log()).getByText('Ada removed Cyd')).toBeInTheDocument();
    expect(within(log()).getByText('Bob left')).toBeInTheDocument();
    // The older page starts below the lowest seq held, message or event.
    await userEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    await waitFor(() => expect(server.callsTo('listMessages').at(-1)?.query.get('before')).toBe('1'));
  });

  it('shows who is typing', async () => {
    const { room, handlers } = roomWith([]);
    const { sockets } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await screen.findByText(/No messages yet: say hello!/);
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    socket.receive({ type: 'typing', roomId: room.id, user: ada });
    expect(await screen.findByText('Ada is typing…')).toBeInTheDocument();
  });

  it('loads older messages with the before cursor', async () => {
    const { room, handlers } = roomWith([aMessage('', 2, { sender: ada, body: 'second' })], {}, true);
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await within(await findLog()).findByText('second');
    await userEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(await within(log()).findByText('the very first')).toBeInTheDocument();
    expect(server.callsTo('listMessages').at(-1)?.query.get('before')).toBe('2');
  });

  it('opened from a notification, pages back to the message and highlights it', async () => {
    const { room, handlers } = roomWith([aMessage('', 60, { sender: ada, body: 'recent' })], {}, true);
    const old = aMessage(room.id, 3, { sender: ada, body: '@grace an old question' });
    const { container } = renderApp({
      me,
      route: `/rooms/${room.id}?message=${old.id}`,
      handlers: {
        ...handlers,
        listMessages: ({ query }) =>
          query.get('before')
            ? { body: { messages: [old], hasMore: false } }
            : { body: { messages: [aMessage(room.id, 60, { sender: ada, body: 'recent' })], hasMore: true } },
      },
    });
    expect(await within(await findLog()).findByText('an old question', { exact: false })).toBeInTheDocument();
    expect(container.querySelector(`#message-${old.id}`)).toHaveClass('highlighted');
  });
});
