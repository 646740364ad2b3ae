import type { User } from '@messaging-app/shared';

const hues = [210, 150, 280, 20, 330, 190, 45, 100];

function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hues[hash % hues.length] ?? 210;
}

/** Initials on a colour derived from the user id; decorative, the name is always written next to it. */
export function Avatar({ user, size = 36 }: { user: Pick<User, 'id' | 'displayName'>; size?: number }) {
  const initials = user.displayName
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, ['--avatar-hue' as string]: hueOf(user.id) }}
    >
      {initials || '?'}
    </span>
  );
}
