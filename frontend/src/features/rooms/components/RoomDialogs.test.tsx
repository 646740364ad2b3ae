import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CreateRoomBody, MyRoom } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import type { Handlers } from '../../../test/fakeApi';
import { aProfile, aRoom } from '../../../test/factories';

const me = aProfile();

function roomServer(publicRooms: MyRoom[] = []) {
  const mine: MyRoom[] = [];
  const handlers: Handlers = {
    listRooms: () => ({ body: { rooms: mine } }),
    createRoom: ({ body }) => {
      const input = body as CreateRoomBody;
      if (!input.name.trim())
        return problem(400, 'validation_failed', 'name', [{ path: 'body.name', message: 'is required' }]);
      const room = aRoom({ name: input.name, visibility: input.visibility ?? 'public', role: 'owner' });
      mine.push(room);
      return { status: 201, body: room };
    },
    discoverRooms: ({ query }) => ({
      body: { rooms: publicRooms.filter((r) => r.name.includes(query.get('q') ?? '')) },
    }),
    joinRoom: ({ params }) => {
      const room = publicRooms.find((r) => r.id === params.id);
      if (!room) return problem(404, 'not_found', 'no such room');
      mine.push(room);
      return {
        body: { roomId: room.id, user: me, role: 'member', joinedAt: room.createdAt, lastReadSeq: 0 },
      };
    },
    getRoom: ({ params }) => ({ body: mine.find((r) => r.id === params.id) }),
    listMessages: () => ({ body: { messages: [], hasMore: false } }),
    listParticipants: () => ({ body: { participants: [] } }),
  };
  return handlers;
}

describe('creating and joining rooms', () => {
  it('creates a private room and opens it', async () => {
    const { server } = renderApp({ me, handlers: roomServer() });
    await userEvent.click(await screen.findByRole('button', { name: 'Create room' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a room' });
    expect(within(dialog).getByLabelText('Name')).toHaveFocus();
    await userEvent.type(within(dialog).getByLabelText('Name'), 'secret plans');
    await userEvent.click(within(dialog).getByLabelText(/Private/));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create room' }));
    expect(await screen.findByRole('heading', { name: 'secret plans' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(server.callsTo('createRoom')[0]?.body).toEqual({ name: 'secret plans', visibility: 'private' });
    expect(screen.getByRole('link', { name: 'secret plans' })).toBeInTheDocument();
  });

  it('shows the field error when the name is missing, and closes on Escape', async () => {
    renderApp({ me, handlers: roomServer() });
    await userEvent.click(await screen.findByRole('button', { name: 'Create room' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a room' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create room' }));
    expect(await within(dialog).findByText('Is required')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('button', { name: 'Create room' })).toHaveFocus();
  });

  it('finds a public room and joins it', async () => {
    const lounge = aRoom({ name: 'lounge', description: 'Coffee talk', memberCount: 4 });
    renderApp({ me, handlers: roomServer([lounge, aRoom({ name: 'other' })]) });
    await userEvent.click(await screen.findByRole('button', { name: 'Browse rooms' }));
    const dialog = screen.getByRole('dialog', { name: 'Browse rooms' });
    await userEvent.type(within(dialog).getByLabelText('Search public rooms'), 'lou');
    await waitFor(() => expect(within(dialog).queryByRole('button', { name: 'Join other' })).toBeNull());
    expect(within(dialog).getByText('4 members')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Join lounge' }));
    expect(await screen.findByRole('heading', { name: 'lounge' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'lounge' })).toBeInTheDocument();
  });
});
