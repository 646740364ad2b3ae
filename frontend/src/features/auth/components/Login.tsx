import { useState } from 'react';
import { Link } from 'react-router';
import { TextField } from '../../../components/TextField';
import { FormError } from '../../../components/FormError';
import { login } from '../api/auth';
import { useAuthForm } from '../hooks/useAuthForm';
import { AuthLayout } from './AuthLayout';

/** Sign in with a username or email and a password. */
export function Login() {
  const [values, setValues] = useState({ login: '', password: '' });
  const { fieldErrors, formError, pending, onSubmit } = useAuthForm(login);
  return (
    <AuthLayout title="Sign in">
      <form noValidate onSubmit={(event) => void onSubmit(event, values)}>
        <FormError message={formError} />
        <TextField
          label="Username or email"
          name="login"
          autoComplete="username"
          value={values.login}
          error={fieldErrors.login}
          onChange={(e) => setValues({ ...values, login: e.target.value })}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={values.password}
          error={fieldErrors.password}
          onChange={(e) => setValues({ ...values, password: e.target.value })}
        />
        <button type="submit" className="button primary wide" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-switch">
        New here? <Link to="/register">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
