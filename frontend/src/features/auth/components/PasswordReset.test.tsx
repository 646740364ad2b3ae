import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { passwordResetAcceptedDetail } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { problem } from '../../../test/fakeApi';

describe('Forgot password', () => {
  it('is reached from the sign-in page and says what happens next, whoever the address belongs to', async () => {
    const { server } = renderApp({
      route: '/login',
      handlers: {
        requestPasswordReset: () => ({ status: 202, body: { detail: passwordResetAcceptedDetail } }),
      },
    });
    await userEvent.click(screen.getByRole('link', { name: 'Forgot your password?' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByRole('status')).toHaveTextContent(passwordResetAcceptedDetail);
    expect(server.callsTo('requestPasswordReset')[0]?.body).toEqual({ email: 'ada@example.test' });
  });

  it('puts a malformed address on the Email field', async () => {
    renderApp({
      route: '/forgot-password',
      handlers: {
        requestPasswordReset: () =>
          problem(400, 'validation_failed', 'body.email: Enter a valid email address.', [
            { path: 'body.email', message: 'Enter a valid email address.' },
          ]),
      },
    });
    await userEvent.type(screen.getByLabelText('Email'), 'ada');
    await userEvent.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByText('Enter a valid email address.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('Reset password', () => {
  it('sets the new password with the link’s token and sends the person to sign in', async () => {
    const { server } = renderApp({
      route: '/reset-password?token=tok_123',
      handlers: { confirmPasswordReset: () => ({ status: 204 }) },
    });
    await userEvent.type(screen.getByLabelText('New password'), 'a brand new passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Set the new password' }));
    expect(await screen.findByRole('status')).toHaveTextContent(/Your password is changed/);
    expect(server.callsTo('confirmPasswordReset')[0]?.body).toEqual({
      token: 'tok_123',
      password: 'a brand new passphrase',
    });
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
  });

  it('shows a weak password on its field, and a spent link with a way to ask for a new one', async () => {
    let answer = problem(400, 'validation_failed', 'weak', [
      { path: 'body.password', message: 'This password is one of the 10,000 most common passwords.' },
    ]);
    renderApp({ route: '/reset-password?token=tok_123', handlers: { confirmPasswordReset: () => answer } });
    await userEvent.type(screen.getByLabelText('New password'), 'password');
    await userEvent.click(screen.getByRole('button', { name: 'Set the new password' }));
    expect(await screen.findByText(/one of the 10,000 most common/)).toBeInTheDocument();
    expect(screen.getByLabelText('New password')).toHaveAttribute('aria-invalid', 'true');

    answer = problem(400, 'validation_failed', 'spent', [
      { path: 'body.token', message: 'This link is not valid any more: ask for a new one.' },
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Set the new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is not valid any more');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute(
      'href',
      '/forgot-password',
    );
  });

  it('says a link without its token is incomplete and sends nothing', async () => {
    const { server } = renderApp({ route: '/reset-password', handlers: {} });
    expect(await screen.findByRole('alert')).toHaveTextContent(/This link is incomplete/);
    expect(screen.getByRole('button', { name: 'Set the new password' })).toBeDisabled();
    expect(server.callsTo('confirmPasswordReset')).toEqual([]);
  });
});
