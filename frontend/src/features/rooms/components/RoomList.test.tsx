import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { renderApp } from '../../../test/render';
import { aProfile, aRoom } from '../../../test/factories';

describe('RoomList', () => {
  it('lists my rooms with a badge on those with unread messages', async () => {
    const rooms = [aRoom({ name: 'general', unreadCount: 3 }), aRoom({ name: 'random' })];
    renderApp({ me: aProfile(), handlers: { listRooms: () => ({ body: { rooms } }) } });
    const list = await screen.findByRole('list', { name: 'Rooms' });
    const general = within(list).getByRole('link', { name: 'general, 3 unread' });
    expect(general).toHaveAttribute('href', `/rooms/${rooms[0]?.id}`);
    expect(within(list).getByRole('link', { name: 'random' })).toBeInTheDocument();
  });

  it('invites me to create or browse when I have no rooms', async () => {
    renderApp({ me: aProfile() });
    expect(await screen.findByText('No rooms yet: create one or browse.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create room' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Browse rooms' })).toBeInTheDocument();
  });
});
