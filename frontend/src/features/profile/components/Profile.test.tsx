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
            { path: 'body.password', message: 'this password is one of the 10,000 most common passwords' },
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

  it('logs out', async () => {
    const { server } = setup();
    const page = await screen.findByRole('region', { name: 'Your profile' });
    await userEvent.click(within(page).getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(server.callsTo('logout')[0]?.body).toEqual({ refreshToken: 'refresh-1' });
  });
});
