import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuthResponse } from '@messaging-app/shared';
import { formErrors, unreachable } from '../../../utils/api';
import { useAuth } from './useAuth';

/** Submits an auth form and turns a problem+json answer into field errors and a form error. */
export function useAuthForm<T>(submit: (values: T) => Promise<AuthResponse>) {
  const { signIn } = useAuth();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>, values: T) {
    event.preventDefault();
    setPending(true);
    setFieldErrors({});
    setFormError(null);
    try {
      signIn(await submit(values));
    } catch (error) {
      const { fields, form } = formErrors(error, unreachable);
      setFieldErrors(fields);
      setFormError(form);
    } finally {
      setPending(false);
    }
  }

  return { fieldErrors, formError, pending, onSubmit };
}
