import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Invitation, MyRoom } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import type { Handlers } from '../../../test/fakeApi';
import { aNotification, aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Bob' });
const alice = aUser({ displayName: 'Alice' });

function anInvitation(room: MyRoom): Invitation {
  return {
    id: crypto.randomUUID(),
    room: { id: room.id, name: room.name, description: 'plans for the launch', visibility: room.visibility },
    inviter: alice,
    invitee: me,
    status: 'pending',
    createdAt: new Date().toISOString(),
    respondedAt: null,
  };
}

/** I have one pending invitation from Alice to a private room, and its notification. */
function setup(extra: Handlers = {}) {
  const room = aRoom({ name: 'hideout', visibility: 'private' });
  const invitation = anInvitation(room);
  const notification = aNotification({
    type: 'room_invite',
    roomId: room.id,
    roomName: room.name,
    messageId: null,
    seq: null,
    actor: alice,
    invitationId: invitation.id,
    preview: 'Invitation to join hideout: accept or decline it',
  });
  let invitations = [invitation];
  let rooms: MyRoom[] = [];
  const view = renderApp({
    me,
    route: '/notifications',
    handlers: {
      listRooms: () => ({ body: { rooms } }),
      listInvitations: () => ({ body: { invitations } }),
      listNotifications: () => ({ body: { notifications: [notification], unreadCount: 1, hasMore: false } }),
      acceptInvitation: () => {
        invitations = [];
        rooms = [{ ...room, role: 'member' }];
        return {
          body: {
            roomId: room.id,
            user: me,
            role: 'member',
            joinedAt: new Date().toISOString(),
            lastReadSeq: 0,
          },
        };
      },
      declineInvitation: () => {
        invitations = [];
        return { status: 204 };
      },
      getRoom: () => ({ body: { ...room, role: 'member' } }),
      listMessages: () => ({ body: { messages: [], hasMore: false } }),
      listParticipants: () => ({ body: { participants: [] } }),
      markRead: () => ({ status: 204 }),
      readNotification: () => ({ status: 204 }),
      ...extra,
    },
  });
  return { ...view, room, invitation };
}

describe('InvitationList', () => {
  it('shows a pending invitation above the notifications, and its notification says "invited"', async () => {
    setup();
    const section = await screen.findByRole('list', { name: 'Invitations' });
    expect(within(section).getByText('Alice invited you to #hideout')).toBeInTheDocument();
    expect(within(section).getByText('plans for the launch')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Alice invited you to a room in #hideout/ }),
    ).toBeInTheDocument();
  });

  it('accepting joins: the room opens and appears in the sidebar, the invitation goes', async () => {
    const { server, invitation } = setup();
    await userEvent.click(await screen.findByRole('button', { name: 'Accept the invitation to hideout' }));
    expect(await screen.findByRole('heading', { name: 'hideout' })).toBeInTheDocument();
    expect(server.callsTo('acceptInvitation')[0]?.params).toEqual({ id: invitation.id });
    expect(await screen.findByRole('link', { name: /hideout/ })).toBeInTheDocument();
  });

  it('declining removes the invitation and opens nothing', async () => {
    const { server, invitation } = setup();
    await userEvent.click(await screen.findByRole('button', { name: 'Decline the invitation to hideout' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Invitations' })).toBeNull());
    expect(server.callsTo('declineInvitation')[0]?.params).toEqual({ id: invitation.id });
    expect(server.callsTo('acceptInvitation')).toHaveLength(0);
    expect(screen.getByRole('heading', { name: 'Notifications' })).toBeInTheDocument();
  });

  it('"Block" declines and blocks the sender', async () => {
    const { server } = setup({ blockUser: () => ({ status: 204 }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Decline and block Alice' }));
    await waitFor(() => expect(server.callsTo('blockUser')).toHaveLength(1));
    expect(server.callsTo('blockUser')[0]?.params).toEqual({ id: alice.id });
    expect(server.callsTo('declineInvitation')).toHaveLength(1);
  });

  it("shows the server's refusal, e.g. a ban that came after the invitation", async () => {
    setup({ acceptInvitation: () => problem(403, 'banned', 'you are banned from this room') });
    await userEvent.click(await screen.findByRole('button', { name: 'Accept the invitation to hideout' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('you are banned from this room');
  });
});
