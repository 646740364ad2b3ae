import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SendMessageBody } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import { aMessage, aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada' });

describe('threads', () => {
  it('opens a thread from its root, shows live replies there only, and replies also to the room', async () => {
    const room = aRoom({ name: 'general', lastSeq: 3, lastReadSeq: 3 });
    const root = aMessage(room.id, 1, { sender: ada, body: 'the plan', replyCount: 1, threadId: null });
    const first = aMessage(room.id, 2, { sender: ada, body: 'first reply', threadId: root.id });
    const { server, sockets } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        listRooms: () => ({ body: { rooms: [room] } }),
        listMessages: () => ({ body: { messages: [root], hasMore: false } }),
        listParticipants: () => ({
          body: { participants: [{ user: ada, role: 'member', joinedAt: ada.createdAt, online: true }] },
        }),
        getThread: () => ({ body: { root, replies: [first], hasMore: false, lastReadSeq: 0 } }),
        markThreadRead: () => ({ status: 204 }),
        markRead: () => ({ status: 204 }),
        sendMessage: ({ body }) => {
          const sent = body as SendMessageBody;
          return {
            status: 201,
            body: aMessage(room.id, 5, {
              sender: me,
              body: sent.body,
              clientMsgId: sent.clientMsgId,
              threadId: sent.threadId ?? null,
              alsoToRoom: sent.alsoToRoom ?? false,
            }),
          };
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '1 reply' }, { timeout: 5000 }));
    const panel = await screen.findByRole('complementary', { name: 'Thread' });
    expect(await within(panel).findByText('first reply')).toBeInTheDocument();
    await waitFor(() => expect(server.callsTo('markThreadRead')[0]?.body).toEqual({ seq: 2 }));

    // A live reply goes to the thread, not to the room's timeline.
    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await waitFor(() => expect(socket.sentOfType('subscribe')).toHaveLength(1));
    socket.receive({ type: 'subscribed', roomId: room.id, lastSeq: 3 });
    socket.receive({
      type: 'message.new',
      roomId: room.id,
      seq: 4,
      message: aMessage(room.id, 4, { sender: ada, body: 'live reply', threadId: root.id }),
    });
    expect(await within(panel).findByText('live reply')).toBeInTheDocument();
    const timeline = screen.getByRole('log', { name: 'Messages in general' });
    expect(within(timeline).queryByText('live reply')).toBeNull();

    await user.type(within(panel).getByRole('textbox', { name: 'Reply in thread' }), 'mine too');
    await user.click(within(panel).getByRole('checkbox', { name: 'Also send to the room' }));
    await user.click(within(panel).getByRole('button', { name: 'Reply' }));
    await waitFor(() =>
      expect(server.callsTo('sendMessage')[0]?.body).toMatchObject({
        body: 'mine too',
        threadId: root.id,
        alsoToRoom: true,
      }),
    );
    expect(await within(panel).findByText('mine too')).toBeInTheDocument();
    expect(await within(timeline).findByText('mine too')).toBeInTheDocument();
  }, 20_000);

  it('renders replies as Markdown, pages earlier replies, and sends a reply through the outbox until the server takes it', async () => {
    const room = aRoom({ name: 'general', lastSeq: 300, lastReadSeq: 300 });
    const root = aMessage(room.id, 1, { sender: ada, body: 'the **plan**', replyCount: 101, threadId: null });
    const reply = (seq: number, body: string) =>
      aMessage(room.id, seq, { sender: ada, body, threadId: root.id });
    let down = true;
    const { server, sockets } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        listRooms: () => ({ body: { rooms: [room] } }),
        listMessages: () => ({ body: { messages: [root], events: [], hasMore: false } }),
        listParticipants: () => ({ body: { participants: [] } }),
        getThread: ({ query }) =>
          query.get('before') === '10'
            ? { body: { root, replies: [reply(5, 'the very first reply')], hasMore: false, lastReadSeq: 0 } }
            : { body: { root, replies: [reply(10, 'use `code` here')], hasMore: true, lastReadSeq: 0 } },
        markThreadRead: () => ({ status: 204 }),
        markRead: () => ({ status: 204 }),
        sendMessage: ({ body }) => {
          if (down) return problem(503, 'unavailable', 'the database is away');
          const sent = body as SendMessageBody;
          return {
            status: 201,
            body: aMessage(room.id, 301, {
              sender: me,
              body: sent.body,
              clientMsgId: sent.clientMsgId,
              threadId: sent.threadId ?? null,
            }),
          };
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '101 replies' }, { timeout: 5000 }));
    const panel = await screen.findByRole('complementary', { name: 'Thread' });
    expect(await within(panel).findByText('plan')).toContainHTML('<strong>plan</strong>');
    expect(within(panel).getByText('code').tagName).toBe('CODE');
    expect(server.callsTo('getThread')[0]?.query.get('latest')).toBe('true');

    await user.click(within(panel).getByRole('button', { name: 'Load earlier replies' }));
    expect(await within(panel).findByText('the very first reply')).toBeInTheDocument();
    expect(server.callsTo('getThread').at(-1)?.query.get('before')).toBe('10');
    expect(within(panel).queryByRole('button', { name: 'Load earlier replies' })).toBeNull();
    const bodies = within(panel)
      .getAllByText(/^(the very first reply|use)/)
      .map((element) => element.textContent);
    expect(bodies).toEqual(['the very first reply', 'use code here']);

    const socket = sockets.last();
    socket.open();
    socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
    await user.type(within(panel).getByRole('textbox', { name: 'Reply in thread' }), 'queued **reply**');
    await user.click(within(panel).getByRole('button', { name: 'Reply' }));
    await waitFor(() => expect(server.callsTo('sendMessage')).toHaveLength(1));
    const [first] = server.callsTo('sendMessage');
    expect(first?.body).toMatchObject({ body: 'queued **reply**', threadId: root.id });
    // Shown at once as on its way, in the thread only.
    expect(within(panel).getByText('reply').closest('li')).toHaveClass('pending');
    const timeline = screen.getByRole('log', { name: 'Messages in general' });
    expect(within(timeline).queryByText('reply')).toBeNull();

    // The browser is back online: the outbox tries again at once.
    down = false;
    window.dispatchEvent(new Event('online'));
    await waitFor(() => expect(server.callsTo('sendMessage').length).toBeGreaterThan(1));
    const resent = server.callsTo('sendMessage').at(-1);
    expect((resent?.body as SendMessageBody).clientMsgId).toBe((first?.body as SendMessageBody).clientMsgId);
    await waitFor(() => expect(within(panel).getByText('reply').closest('li')).not.toHaveClass('pending'));
    expect(within(timeline).queryByText('reply')).toBeNull();
  }, 20_000);
});
