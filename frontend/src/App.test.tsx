import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderApp } from './test/render';
import { aProfile, aRoom } from './test/factories';

describe('App', () => {
  it('sends a visitor who is not signed in to the sign-in screen', async () => {
    renderApp({ route: '/rooms/anything' });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows a signed-in user the sidebar with their rooms and their name', async () => {
    const me = aProfile({ displayName: 'Grace Hopper' });
    renderApp({ me, handlers: { listRooms: () => ({ body: { rooms: [aRoom({ name: 'general' })] } }) } });
    expect(await screen.findByRole('link', { name: /general/ })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Profile: Grace Hopper' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Welcome' })).toBeInTheDocument();
  });

  it('opens one socket for the tab and authenticates it with the access token', async () => {
    const { sockets } = renderApp({ me: aProfile() });
    await screen.findByRole('button', { name: 'Log out' });
    const socket = sockets.last();
    expect(socket.url).toMatch(/^ws:\/\/.+\/ws$/);
    socket.open();
    expect(socket.sent[0]).toEqual({ type: 'auth', token: 'access-1' });
    expect(sockets.sockets).toHaveLength(1);
  });
});
