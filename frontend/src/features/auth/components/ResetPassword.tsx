import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { TextField } from '../../../components/TextField';
import { FormError } from '../../../components/FormError';
import { formErrors, unreachable } from '../../../utils/api';
import { confirmPasswordReset } from '../api/auth';
import { AuthLayout } from './AuthLayout';
import { passwordHint } from './passwordHint';

/**
 * Where a reset link lands (`/reset-password?token=…`). Nothing happens on load: the new password
 * has to be typed, so a mail scanner that opens the link cannot spend it.
 */
export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const reset = useMutation({ mutationFn: () => confirmPasswordReset(token, password) });
  const { fields, form } = formErrors(reset.error, unreachable);
  const spent = fields.token ?? (token ? null : 'This link is incomplete: open it again from the mail.');
  return (
    <AuthLayout title="Choose a new password">
      {reset.isSuccess ? (
        <>
          <p role="status" className="auth-done">
            Your password is changed, and every session of your account has ended.
          </p>
          <Link to="/login" className="button primary wide">
            Sign in
          </Link>
        </>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            reset.mutate();
          }}
        >
          <FormError message={form} />
          {spent && (
            <p role="alert" className="form-error">
              {spent} <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          )}
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint={passwordHint}
            value={password}
            error={fields.password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit" className="button primary wide" disabled={!token || reset.isPending}>
            {reset.isPending ? 'Saving…' : 'Set the new password'}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
