import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { TextField } from '../../../components/TextField';
import { FormError } from '../../../components/FormError';
import { formErrors, unreachable } from '../../../utils/api';
import { requestPasswordReset } from '../api/auth';
import { AuthLayout } from './AuthLayout';

/** "Forgot password?": mails a reset link to the account with this email, if there is one. */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const ask = useMutation({ mutationFn: () => requestPasswordReset(email) });
  const { fields, form } = formErrors(ask.error, unreachable);
  return (
    <AuthLayout title="Reset your password">
      {ask.data ? (
        <p role="status" className="auth-done">
          {ask.data.detail}
        </p>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            ask.mutate();
          }}
        >
          <FormError message={form} />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            hint="The email of your account: a link to choose a new password goes there."
            value={email}
            error={fields.email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button type="submit" className="button primary wide" disabled={ask.isPending}>
            {ask.isPending ? 'Sending…' : 'Send the link'}
          </button>
        </form>
      )}
      <p className="auth-switch">
        Remembered it? <Link to="/login">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
