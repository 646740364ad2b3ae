import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import { aProfile } from '../../../test/factories';
import { session } from '../../../utils/session';

describe('Login', () => {
  it('signs in with a username and password and lands in the app', async () => {
    const user = aProfile({ displayName: 'Ada' });
    const { server } = renderApp({
      route: '/login',
      handlers: {
        login: () => ({ body: { user, accessToken: 'a', refreshToken: 'r', expiresIn: 900 } }),
        getProfile: () => ({ body: user }),
      },
    });
    await userEvent.type(screen.getByLabelText('Username or email'), 'ada');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeInTheDocument();
    expect(server.callsTo('login')[0]?.body).toEqual({ login: 'ada', password: 'correct horse' });
    expect(session.get()).toMatchObject({ accessToken: 'a', refreshToken: 'r' });
  });

  it('says so when the credentials are wrong, and stays signed out', async () => {
    renderApp({
      route: '/login',
      handlers: { login: () => problem(401, 'unauthorized', 'wrong username or password') },
    });
    await userEvent.type(screen.getByLabelText('Username or email'), 'ada');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('wrong username or password');
    expect(session.get()).toBeNull();
  });

  it('puts validation errors on their fields', async () => {
    renderApp({
      route: '/login',
      handlers: {
        login: () =>
          problem(400, 'validation_failed', 'body.login: required', [
            { path: 'body.login', message: 'is required' },
          ]),
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const field = screen.getByLabelText('Username or email');
    expect(await screen.findByText('Is required')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription('Is required');
  });
});
