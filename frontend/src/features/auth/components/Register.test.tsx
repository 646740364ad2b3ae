import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import { aProfile } from '../../../test/factories';

async function fill(values: { username: string; email: string; password: string; displayName?: string }) {
  await userEvent.type(screen.getByLabelText('Username'), values.username);
  await userEvent.type(screen.getByLabelText('Email'), values.email);
  if (values.displayName)
    await userEvent.type(screen.getByLabelText('Display name (optional)'), values.displayName);
  await userEvent.type(screen.getByLabelText('Password'), values.password);
  await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('Register', () => {
  it('creates the account and signs in', async () => {
    const user = aProfile({ displayName: 'Linus' });
    const { server } = renderApp({
      route: '/register',
      handlers: {
        register: () => ({
          status: 201,
          body: { user, accessToken: 'a', refreshToken: 'r', expiresIn: 900 },
        }),
        getProfile: () => ({ body: user }),
      },
    });
    await fill({
      username: 'linus',
      email: 'linus@example.test',
      password: 'long enough',
      displayName: 'Linus',
    });
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeInTheDocument();
    expect(server.callsTo('register')[0]?.body).toEqual({
      username: 'linus',
      email: 'linus@example.test',
      password: 'long enough',
      displayName: 'Linus',
    });
  });

  it("shows each of the server's field errors next to its field", async () => {
    renderApp({
      route: '/register',
      handlers: {
        register: () =>
          problem(400, 'validation_failed', 'body.username: letters', [
            { path: 'body.username', message: 'Use only letters, digits and underscores.' },
            { path: 'body.password', message: 'Use at least 8 characters.' },
          ]),
      },
    });
    await fill({ username: 'bad name', email: 'x@example.test', password: 'short' });
    expect(await screen.findByText('Use only letters, digits and underscores.')).toBeInTheDocument();
    expect(screen.getByText('Use at least 8 characters.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
  });

  it('shows why the server refused the password on the password field', async () => {
    renderApp({
      route: '/register',
      handlers: {
        register: () =>
          problem(400, 'validation_failed', 'password: common', [
            {
              path: 'body.password',
              message:
                'This password is one of the 10,000 most common passwords, which attackers try first; choose another.',
            },
          ]),
      },
    });
    expect(screen.getByText(/not a common password, nor your username or email/)).toBeInTheDocument();
    await fill({ username: 'grace', email: 'grace@example.test', password: 'qwertyuiop' });
    const reason = await screen.findByText(/one of the 10,000 most common passwords/);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(reason.textContent ?? '');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a taken username on the Username field', async () => {
    renderApp({
      route: '/register',
      handlers: {
        register: () =>
          problem(409, 'username_taken', 'This username is taken.', [
            { path: 'body.username', message: 'This username is taken.' },
          ]),
      },
    });
    await fill({ username: 'taken', email: 't@example.test', password: 'long enough' });
    expect(await screen.findByText('This username is taken.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
  });
});
