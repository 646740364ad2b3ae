import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { NotificationPrefs, Profile as ProfileData, UpdateProfileBody } from '@messaging-app/shared';
import { TextField } from '../../../components/TextField';
import { ApiError } from '../../../utils/api';
import { useAuth } from '../../auth/hooks/useAuth';
import { profileKey, updateProfile } from '../../auth/api/auth';

function useProfileUpdate(onDone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProfileBody) => updateProfile(body),
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKey, profile);
      onDone();
    },
  });
}

function errorsOf(error: Error | null): { fields: Record<string, string>; form: string | null } {
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  return { fields, form: error && Object.keys(fields).length === 0 ? error.message : null };
}

function Saved({ show, children }: { show: boolean; children: string }) {
  return (
    <p role="status" className="saved">
      {show ? children : ''}
    </p>
  );
}

function DetailsForm({ user }: { user: ProfileData }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState<NotificationPrefs['email']>(user.notificationPrefs.email);
  const [saved, setSaved] = useState(false);
  const update = useProfileUpdate(() => setSaved(true));
  const { fields, form } = errorsOf(update.error);
  return (
    <form
      noValidate
      className="card"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        setSaved(false);
        update.mutate({ displayName, notificationPrefs: { email } });
      }}
    >
      <h2>Profile</h2>
      {form && (
        <p role="alert" className="form-error">
          {form}
        </p>
      )}
      <TextField label="Username" value={user.username} readOnly hint="Your username cannot change." />
      <TextField
        label="Display name"
        value={displayName}
        error={fields.displayName}
        onChange={(e) => setDisplayName(e.target.value)}
      />
      <div className="field">
        <label htmlFor="email-prefs">Email notifications</label>
        <select
          id="email-prefs"
          value={email}
          onChange={(e) => setEmail(e.target.value as NotificationPrefs['email'])}
        >
          <option value="mentions">When I am mentioned and away</option>
          <option value="off">Never</option>
        </select>
      </div>
      <button type="submit" className="button primary" disabled={update.isPending}>
        Save profile
      </button>
      <Saved show={saved}>Profile saved.</Saved>
    </form>
  );
}

function EmailForm({ user }: { user: ProfileData }) {
  const [email, setEmail] = useState(user.email);
  const [currentPassword, setCurrentPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const update = useProfileUpdate(() => {
    setSaved(true);
    setCurrentPassword('');
  });
  const { fields, form } = errorsOf(update.error);
  return (
    <form
      noValidate
      className="card"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        setSaved(false);
        update.mutate({ email, currentPassword });
      }}
    >
      <h2>Email</h2>
      {form && (
        <p role="alert" className="form-error">
          {form}
        </p>
      )}
      <TextField
        label="Email"
        type="email"
        value={email}
        error={fields.email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        error={fields.currentPassword}
        onChange={(e) => setCurrentPassword(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={update.isPending}>
        Change email
      </button>
      <Saved show={saved}>Email changed.</Saved>
    </form>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const update = useProfileUpdate(() => {
    setSaved(true);
    setCurrentPassword('');
    setPassword('');
  });
  const { fields, form } = errorsOf(update.error);
  return (
    <form
      noValidate
      className="card"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        setSaved(false);
        update.mutate({ password, currentPassword });
      }}
    >
      <h2>Password</h2>
      {form && (
        <p role="alert" className="form-error">
          {form}
        </p>
      )}
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        error={fields.currentPassword}
        onChange={(e) => setCurrentPassword(e.target.value)}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        error={fields.password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={update.isPending}>
        Change password
      </button>
      <Saved show={saved}>Password changed.</Saved>
    </form>
  );
}

/** My account: display name, email notification preference, email and password. */
export function Profile() {
  const { user, signOut } = useAuth();
  if (!user) return <p className="room-loading">Loading…</p>;
  return (
    <section className="panel" aria-labelledby="profile-title">
      <header className="panel-header">
        <Link to="/" className="back-link icon-button" aria-label="All rooms">
          ‹
        </Link>
        <h1 id="profile-title">Your profile</h1>
        <button type="button" className="button" onClick={() => void signOut()}>
          Log out
        </button>
      </header>
      <DetailsForm user={user} />
      <EmailForm user={user} />
      <PasswordForm />
    </section>
  );
}
