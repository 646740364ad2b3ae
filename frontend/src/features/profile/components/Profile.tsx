import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { NotificationPrefs, Profile as ProfileData, UpdateProfileBody } from '@messaging-app/shared';
import { TextField } from '../../../components/TextField';
import { formErrors } from '../../../utils/api';
import { FormError } from '../../../components/FormError';
import { useAuth } from '../../auth/hooks/useAuth';
import { profileKey, updateProfile } from '../../auth/api/auth';
import { passwordHint } from '../../auth/components/passwordHint';

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

/** One profile form's state: field errors from the API, a form-level error, pending and saved. */
function useProfileForm(onSaved: () => void = () => undefined) {
  const [saved, setSaved] = useState(false);
  const update = useProfileUpdate(() => {
    setSaved(true);
    onSaved();
  });
  const { fields, form } = formErrors(update.error);
  const submit = (body: UpdateProfileBody) => {
    setSaved(false);
    update.mutate(body);
  };
  return { fields, submit, card: { formError: form, pending: update.isPending, saved } };
}

interface ProfileCardProps {
  title: string;
  submitLabel: string;
  savedText: string;
  formError: string | null;
  pending: boolean;
  saved: boolean;
  onSubmit: () => void;
  children: ReactNode;
}

/** The shell every profile form shares: title, form-level error, submit button and a saved notice. */
function ProfileCard({
  title,
  submitLabel,
  savedText,
  formError,
  pending,
  saved,
  onSubmit,
  children,
}: ProfileCardProps) {
  return (
    <form
      noValidate
      className="card"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h2>{title}</h2>
      <FormError message={formError} />
      {children}
      <button type="submit" className="button primary" disabled={pending}>
        {submitLabel}
      </button>
      <p role="status" className="saved">
        {saved ? savedText : ''}
      </p>
    </form>
  );
}

function DetailsForm({ user }: { user: ProfileData }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState<NotificationPrefs['email']>(user.notificationPrefs.email);
  const { fields, submit, card } = useProfileForm();
  return (
    <ProfileCard
      title="Profile"
      submitLabel="Save profile"
      savedText="Profile saved."
      {...card}
      onSubmit={() => submit({ displayName, notificationPrefs: { email } })}
    >
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
    </ProfileCard>
  );
}

function EmailForm({ user }: { user: ProfileData }) {
  const [email, setEmail] = useState(user.email);
  const [requested, setRequested] = useState(user.email);
  const [currentPassword, setCurrentPassword] = useState('');
  const { fields, submit, card } = useProfileForm(() => setCurrentPassword(''));
  return (
    <ProfileCard
      title="Email"
      submitLabel="Change email"
      // The email changes only when the link mailed to the new address is followed.
      savedText={`Check your inbox at ${requested}: follow the link we sent there to confirm the change.`}
      {...card}
      onSubmit={() => {
        setRequested(email);
        submit({ email, currentPassword });
      }}
    >
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
    </ProfileCard>
  );
}

function PasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const { fields, submit, card } = useProfileForm(() => {
    setCurrentPassword('');
    setPassword('');
  });
  return (
    <ProfileCard
      title="Password"
      submitLabel="Change password"
      savedText="Password changed."
      {...card}
      onSubmit={() => submit({ password, currentPassword })}
    >
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
        hint={passwordHint}
        value={password}
        error={fields.password}
        onChange={(e) => setPassword(e.target.value)}
      />
    </ProfileCard>
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
