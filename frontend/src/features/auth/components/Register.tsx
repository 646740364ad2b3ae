import { useState } from 'react';
import type { ChangeEvent } from 'react';
import { Link } from 'react-router';
import type { RegisterBody } from '@messaging-app/shared';
import { TextField } from '../../../components/TextField';
import { FormError } from '../../../components/FormError';
import { register } from '../api/auth';
import { useAuthForm } from '../hooks/useAuthForm';
import { AuthLayout } from './AuthLayout';
import { passwordHint } from './passwordHint';

function toBody(values: {
  username: string;
  email: string;
  displayName: string;
  password: string;
}): RegisterBody {
  const displayName = values.displayName.trim();
  return {
    username: values.username,
    email: values.email,
    password: values.password,
    ...(displayName ? { displayName } : {}),
  };
}

/** Create an account; the server's validation errors land on their fields. */
export function Register() {
  const [values, setValues] = useState({ username: '', email: '', displayName: '', password: '' });
  const { fieldErrors, formError, pending, onSubmit } = useAuthForm((v: typeof values) =>
    register(toBody(v)),
  );
  const set = (key: keyof typeof values) => (e: ChangeEvent<HTMLInputElement>) =>
    setValues({ ...values, [key]: e.target.value });
  return (
    <AuthLayout title="Create your account">
      <form noValidate onSubmit={(event) => void onSubmit(event, values)}>
        <FormError message={formError} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          hint="Letters, digits and underscores; others mention you as @username."
          value={values.username}
          error={fieldErrors.username}
          onChange={set('username')}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={values.email}
          error={fieldErrors.email}
          onChange={set('email')}
        />
        <TextField
          label="Display name (optional)"
          name="displayName"
          autoComplete="name"
          value={values.displayName}
          error={fieldErrors.displayName}
          onChange={set('displayName')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={passwordHint}
          value={values.password}
          error={fieldErrors.password}
          onChange={set('password')}
        />
        <button type="submit" className="button primary wide" disabled={pending}>
          {pending ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
