import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormError } from '../../../components/FormError';
import { formErrors } from '../../../utils/api';
import { confirmEmailChange, profileKey } from '../../auth/api/auth';

/**
 * Where the link of an email change lands (`/profile/confirm-email?token=…`). It asks for a click
 * rather than confirming on load: mail scanners that open links must not spend the token.
 */
export function ConfirmEmail() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: () => confirmEmailChange(token),
    onSuccess: (profile) => queryClient.setQueryData(profileKey, profile),
  });
  const { fields, form } = formErrors(confirm.error);
  return (
    <section className="panel" aria-labelledby="confirm-email-title">
      <header className="panel-header">
        <Link to="/profile" className="back-link icon-button" aria-label="Your profile">
          ‹
        </Link>
        <h1 id="confirm-email-title">Confirm your new email</h1>
      </header>
      <div className="card">
        {confirm.data ? (
          <p role="status">
            Your email is now {confirm.data.email}. Your other sessions have been signed out.
          </p>
        ) : (
          <>
            <FormError message={fields.token ?? form ?? (token ? null : 'This link has no token.')} />
            <button
              type="button"
              className="button primary"
              disabled={!token || confirm.isPending}
              onClick={() => confirm.mutate()}
            >
              Confirm new email
            </button>
          </>
        )}
      </div>
    </section>
  );
}
