import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Profile, UpdateProfileBody } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';
import { aProfile } from '../../../test/factories';

function setup() {
  let me: Profile = aProfile({ displayName: 'Grace' });
  return renderApp({
    me,
    route: '/profile',
    handlers: {
      updateProfile: ({ body }) => {
        const change = body as UpdateProfileBody;
        if (change.password === 'qwertyuiop') {
          return problem(400, 'validation_failed', 'password: common', [
            { path: 'body.password', message: 'This password is one of the 10,000 most common passwords.' },
          ]);
        }
        if (change.password && change.currentPassword !== 'right') {
          return problem(400, 'validation_failed', 'wrong', [
            { path: 'body.currentPassword', message: 'Your current password is not correct.' },
          ]);
        }
        me = { ...me, ...(change.displayName ? { displayName: change.displayName } : {}) };
        if (change.notificationPrefs) me = { ...me, notificationPrefs: change.notificationPrefs };
        return { body: me };
      },
      logout: () => ({ status: 204 }),
    },
  });
}

describe('Profile', () => {
  it('changes the display name and the email preference', async () => {
    const { server } = setup();
    const form = (await screen.findByRole('heading', { name: 'Profile' })).closest('form');
    if (!form) throw new Error('profile form missing');
    const name = within(form).getByLabelText('Display name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Grace Hopper');
    await userEvent.selectOptions(within(form).getByLabelText('Email notifications'), 'off');
    await userEvent.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(await within(form).findByText('Profile saved.')).toBeInTheDocument();
    expect(server.callsTo('updateProfile')[0]?.body).toEqual({
      displayName: 'Grace Hopper',
      notificationPrefs: { email: 'off' },
    });
    expect(screen.getByRole('link', { name: 'Profile: Grace Hopper' })).toBeInTheDocument();
  });

  it('asks for the current password to change the password and says when it is wrong', async () => {
    setup();
    const form = (await screen.findByRole('heading', { name: 'Password' })).closest('form');
    if (!form) throw new Error('password form missing');
    await userEvent.type(within(form).getByLabelText('Current password'), 'wrong');
    await userEvent.type(within(form).getByLabelText('New password'), 'a much better one');
    await userEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(await within(form).findByText('Your current password is not correct.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows why the server refused a new password on the new-password field', async () => {
    setup();
    const form = (await screen.findByRole('heading', { name: 'Password' })).closest('form');
    if (!form) throw new Error('password form missing');
    await userEvent.type(within(form).getByLabelText('Current password'), 'right');
    await userEvent.type(within(form).getByLabelText('New password'), 'qwertyuiop');
    await userEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    const reason = await within(form).findByText(/one of the 10,000 most common passwords/);
    expect(within(form).getByLabelText('New password')).toHaveAccessibleDescription(reason.textContent ?? '');
    expect(within(form).getByLabelText('Current password')).not.toHaveAttribute('aria-invalid');
  });

  it('changing the email says to check the new inbox, and keeps showing the old email', async () => {
    const { server } = setup();
    const form = (await screen.findByRole('heading', { name: 'Email' })).closest('form');
    if (!form) throw new Error('email form missing');
    const email = within(form).getByLabelText('Email');
    const before = (email as HTMLInputElement).value;
    await userEvent.clear(email);
    await userEvent.type(email, 'grace@navy.example');
    await userEvent.type(within(form).getByLabelText('Current password'), 'right');
    await userEvent.click(within(form).getByRole('button', { name: 'Change email' }));
    expect(
      await within(form).findByText(
        'Check your inbox at grace@navy.example: follow the link we sent there to confirm the change.',
      ),
    ).toBeInTheDocument();
    expect(server.callsTo('updateProfile')[0]?.body).toEqual({
      email: 'grace@navy.example',
      currentPassword: 'right',
    });
    expect(before).not.toBe('grace@navy.example');
  });

  it('the link of the mail confirms the new email with its token, on a click', async () => {
    const me = aProfile({ displayName: 'Grace' });
    const { server } = renderApp({
      me,
      route: '/profile/confirm-email?token=tok-123',
      handlers: { confirmEmailChange: () => ({ body: { ...me, email: 'grace@navy.example' } }) },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm new email' }));
    expect(
      await screen.findByText(
        'Your email is now grace@navy.example. Your other sessions have been signed out.',
      ),
    ).toBeInTheDocument();
    expect(server.callsTo('confirmEmailChange')).toHaveLength(1);
    expect(server.callsTo('confirmEmailChange')[0]?.body).toEqual({ token: 'tok-123' });
  });

  it('says when the link is no longer valid', async () => {
    renderApp({
      me: aProfile(),
      route: '/profile/confirm-email?token=spent',
      handlers: {
        confirmEmailChange: () =>
          problem(400, 'validation_failed', 'token: spent', [
            { path: 'body.token', message: 'This link is not valid any more: ask for a new one.' },
          ]),
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm new email' }));
    expect(
      await screen.findByText('This link is not valid any more: ask for a new one.'),
    ).toBeInTheDocument();
  });

  it('logs out', async () => {
    const { server } = setup();
    const page = await screen.findByRole('region', { name: 'Your profile' });
    await userEvent.click(within(page).getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(server.callsTo('logout')[0]?.body).toEqual({ refreshToken: 'refresh-1' });
  });
});
