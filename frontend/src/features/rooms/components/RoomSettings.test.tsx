import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Participant, Role, User } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import { aProfile, aRoom, aUser } from '../../../test/factories';

const me = aProfile({ displayName: 'Grace', username: 'grace' });
const ada = aUser({ displayName: 'Ada Lovelace', username: 'ada' });
const member = (user: User, role: Role): Participant => ({
  user,
  role,
  joinedAt: user.createdAt,
  online: false,
});

describe('room settings', () => {
  it('lets the owner promote a member, and refuses a taken name on the name field', async () => {
    const room = aRoom({ name: 'plans', role: 'owner' });
    let adaRole: Role = 'member';
    const { server } = renderApp({
      me,
      route: `/rooms/${room.id}`,
      handlers: {
        listRooms: () => ({ body: { rooms: [room] } }),
        listMessages: () => ({ body: { messages: [], hasMore: false } }),
        listParticipants: () => ({ body: { participants: [member(me, 'owner'), member(ada, adaRole)] } }),
        changeRole: ({ body }) => {
          adaRole = (body as { role: Role }).role;
          return {
            body: { roomId: room.id, user: ada, role: adaRole, joinedAt: ada.createdAt, lastReadSeq: 0 },
          };
        },
        updateRoom: () =>
          problem(409, 'conflict', 'A public room with this name already exists.', [
            { path: 'body.name', message: 'A public room with this name already exists.' },
          ]),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /2 members/ }, { timeout: 5000 }));
    await user.click(await screen.findByRole('button', { name: 'Make admin: Ada Lovelace' }));
    await waitFor(() => expect(server.callsTo('changeRole')[0]?.body).toEqual({ role: 'admin' }));
    expect(server.callsTo('changeRole')[0]?.params).toMatchObject({ id: room.id, userId: ada.id });
    expect(await screen.findByRole('button', { name: 'Remove admin: Ada Lovelace' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Room settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Room settings' });
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'General');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText('A public room with this name already exists.'),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Delete room' })).toBeInTheDocument();
  }, 20_000);
});
