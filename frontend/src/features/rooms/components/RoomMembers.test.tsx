import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MyRoom, Participant, Role, User } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import type { Handlers } from '../../../test/fakeApi';
import { aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada Lovelace', username: 'ada' });
const alan = aUser({ displayName: 'Alan Turing', username: 'alan' });

const member = (user: User, role: Role): Participant => ({
  user,
  role,
  joinedAt: user.createdAt,
  online: false,
});

/** A private room I hold `myRole` in, with Ada already inside and Alan findable by search. */
function privateRoom(myRole: Role, extra: Handlers = {}) {
  const room: MyRoom = aRoom({ name: 'secret plans', visibility: 'private', role: myRole });
  let rooms = [room];
  const participants = [member(me, myRole), member(ada, 'member')];
  const handlers: Handlers = {
    listRooms: () => ({ body: { rooms } }),
    listMessages: () => ({ body: { messages: [], hasMore: false } }),
    listParticipants: () => ({ body: { participants } }),
    searchUsers: ({ query }) => ({
      body: {
        users: [ada, alan].filter((u) =>
          u.displayName.toLowerCase().startsWith((query.get('q') ?? '').toLowerCase()),
        ),
      },
    }),
    addParticipant: ({ body }) => {
      const added = [ada, alan].find((u) => u.id === (body as { userId: string }).userId);
      if (!added) return problem(404, 'not_found', 'no such user');
      participants.push(member(added, 'member'));
      return {
        status: 201,
        body: { roomId: room.id, user: added, role: 'member', joinedAt: added.createdAt, lastReadSeq: 0 },
      };
    },
    leaveRoom: () => {
      rooms = [];
      return { status: 204 };
    },
    ...extra,
  };
  return { room, handlers };
}

describe('adding people to a room', () => {
  it('lets an owner find someone by name and add them; members already inside are marked', async () => {
    const { room, handlers } = privateRoom('owner');
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(await screen.findByRole('button', { name: 'Add people' }));
    const dialog = screen.getByRole('dialog', { name: 'Add people to secret plans' });
    const search = within(dialog).getByRole('searchbox', { name: 'Search people' });
    expect(search).toHaveFocus();
    await userEvent.type(search, 'a');
    const people = await within(dialog).findByRole('list', { name: 'People' });
    expect(within(people).getByText('Already a member')).toBeInTheDocument();
    expect(within(people).queryByRole('button', { name: 'Add Ada Lovelace' })).toBeNull();
    // Debounced: one search for the settled text, not one per key.
    expect(server.callsTo('searchUsers').map((c) => c.query.get('q'))).toEqual(['a']);

    await userEvent.click(within(people).getByRole('button', { name: 'Add Alan Turing' }));
    await waitFor(() => expect(within(people).getAllByText('Already a member')).toHaveLength(2));
    expect(server.callsTo('addParticipant')[0]?.body).toEqual({ userId: alan.id });
    expect(server.callsTo('addParticipant')[0]?.params.id).toBe(room.id);

    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('button', { name: 'Add people' })).toHaveFocus();
  });

  it('shows the server refusal', async () => {
    const { room, handlers } = privateRoom('admin', {
      addParticipant: () => problem(403, 'forbidden', 'only a room owner or admin may add people'),
    });
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(await screen.findByRole('button', { name: 'Add people' }));
    const dialog = screen.getByRole('dialog', { name: 'Add people to secret plans' });
    await userEvent.type(within(dialog).getByRole('searchbox', { name: 'Search people' }), 'alan');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Add Alan Turing' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('only a room owner or admin');
  });

  it('offers no "Add people" to a plain member', async () => {
    const { room, handlers } = privateRoom('member');
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    expect(await screen.findByRole('button', { name: 'Leave room' })).toBeInTheDocument();
    await screen.findByRole('button', { name: /2 members/ });
    expect(screen.queryByRole('button', { name: 'Add people' })).toBeNull();
  });
});

describe('leaving a room', () => {
  it('asks first, then leaves, goes home and drops the room from the sidebar', async () => {
    const { room, handlers } = privateRoom('member');
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    expect(await screen.findByRole('link', { name: 'secret plans' })).toBeInTheDocument();
    await userEvent.click(await screen.findByRole('button', { name: 'Leave room' }));
    const dialog = screen.getByRole('dialog', { name: 'Leave secret plans?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(server.callsTo('leaveRoom')).toHaveLength(0);

    await userEvent.click(within(dialog).getByRole('button', { name: 'Leave room' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'secret plans' })).toBeNull());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('link', { name: 'secret plans' })).toBeNull();
    expect(server.callsTo('leaveRoom')[0]?.params.id).toBe(room.id);
  });

  it('stays in the room when the confirm step is cancelled', async () => {
    const { room, handlers } = privateRoom('member');
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(await screen.findByRole('button', { name: 'Leave room' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('heading', { name: 'secret plans' })).toBeInTheDocument();
    expect(server.callsTo('leaveRoom')).toHaveLength(0);
  });
});

describe('inviting someone who shares no room with me', () => {
  it('shows "Invitation sent" instead of adding them to the member list', async () => {
    const { room, handlers } = privateRoom('owner', {
      addParticipant: ({ body }) => {
        const invitee = [ada, alan].find((u) => u.id === (body as { userId: string }).userId) ?? alan;
        return {
          status: 202,
          body: {
            id: crypto.randomUUID(),
            room: { id: room.id, name: room.name, description: '', visibility: 'private' },
            inviter: me,
            invitee,
            status: 'pending',
            createdAt: new Date().toISOString(),
            respondedAt: null,
          },
        };
      },
    });
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(await screen.findByRole('button', { name: 'Add people' }));
    const dialog = screen.getByRole('dialog', { name: 'Add people to secret plans' });
    await userEvent.type(within(dialog).getByRole('searchbox', { name: 'Search people' }), 'alan');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Add Alan Turing' }));
    expect(await within(dialog).findByText('Invitation sent')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Add Alan Turing' })).toBeNull();
    await userEvent.keyboard('{Escape}');
    expect(await screen.findByRole('button', { name: /2 members/ })).toBeInTheDocument();
  });

  it("shows the server's rate-limit refusal in words", async () => {
    const { room, handlers } = privateRoom('owner', {
      addParticipant: () => problem(429, 'rate_limited', 'at most 3 invitations a day to the same person'),
    });
    renderApp({ me, route: `/rooms/${room.id}`, handlers });
    await userEvent.click(await screen.findByRole('button', { name: 'Add people' }));
    const dialog = screen.getByRole('dialog', { name: 'Add people to secret plans' });
    await userEvent.type(within(dialog).getByRole('searchbox', { name: 'Search people' }), 'alan');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Add Alan Turing' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'at most 3 invitations a day to the same person',
    );
  });
});

describe('the member list', () => {
  async function openMembers() {
    await userEvent.click(await screen.findByRole('button', { name: /2 members/ }));
    return screen.getByRole('list', { name: 'Members' });
  }

  it('lets an owner ban a member after a confirm step', async () => {
    const { room, handlers } = privateRoom('owner', {
      banUser: () => ({
        status: 201,
        body: { roomId: room.id, user: ada, bannedBy: me, createdAt: new Date().toISOString() },
      }),
    });
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const members = await openMembers();
    expect(within(members).queryByRole('button', { name: 'Ban Grace' })).toBeNull();
    await userEvent.click(within(members).getByRole('button', { name: 'Ban Ada Lovelace' }));
    const dialog = screen.getByRole('dialog', { name: 'Ban Ada Lovelace from secret plans?' });
    expect(server.callsTo('banUser')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Ban' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(server.callsTo('banUser')[0]?.body).toEqual({ userId: ada.id });
    expect(server.callsTo('banUser')[0]?.params.id).toBe(room.id);
  });

  it('offers no Ban to a plain member, but Block on everyone else', async () => {
    const { room, handlers } = privateRoom('member', { blockUser: () => ({ status: 204 }) });
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const members = await openMembers();
    expect(within(members).queryByRole('button', { name: /^Ban / })).toBeNull();
    expect(within(members).queryByRole('button', { name: 'Block Grace' })).toBeNull();
    await userEvent.click(within(members).getByRole('button', { name: 'Block Ada Lovelace' }));
    await waitFor(() => expect(server.callsTo('blockUser')).toHaveLength(1));
    expect(server.callsTo('blockUser')[0]?.params.id).toBe(ada.id);
  });

  it('offers Unblock for someone I blocked', async () => {
    const { room, handlers } = privateRoom('member', {
      listBlocks: () => ({ body: { blocks: [{ user: ada, createdAt: new Date().toISOString() }] } }),
      unblockUser: () => ({ status: 204 }),
    });
    const { server } = renderApp({ me, route: `/rooms/${room.id}`, handlers });
    const members = await openMembers();
    await userEvent.click(await within(members).findByRole('button', { name: 'Unblock Ada Lovelace' }));
    await waitFor(() => expect(server.callsTo('unblockUser')).toHaveLength(1));
  });
});
