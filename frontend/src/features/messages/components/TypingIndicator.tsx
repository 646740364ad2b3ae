import type { User } from '@messaging-app/shared';

function sentence(users: User[]): string {
  const names = users.map((u) => u.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** A quiet line under the list; not a live region, so screen readers are not flooded. */
export function TypingIndicator({ users }: { users: User[] }) {
  return (
    <div className="typing" aria-hidden={users.length === 0}>
      {sentence(users)}
    </div>
  );
}
