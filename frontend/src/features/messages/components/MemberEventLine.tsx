import type { MemberEventFrame, Role, User } from '@messaging-app/shared';
import { formatTime } from '../../../utils/format';

const roleNames: Record<Role, string> = { owner: 'the owner', admin: 'an admin', member: 'a member' };

/** What a membership change says in the timeline: "Ann added Bob", "Cyd left", "Ann made Bob an admin". */
export function describeMemberEvent(event: MemberEventFrame): string {
  const who = event.user.displayName;
  const by: User | null = event.actor && event.actor.id !== event.user.id ? event.actor : null;
  switch (event.type) {
    case 'member.joined':
      return by ? `${by.displayName} added ${who}` : `${who} joined`;
    case 'member.left':
      return by ? `${by.displayName} removed ${who}` : `${who} left`;
    case 'member.updated': {
      const role = event.role ? roleNames[event.role] : 'a member';
      return by ? `${by.displayName} made ${who} ${role}` : `${who} is now ${role}`;
    }
  }
}

/** A membership change as a small system line between messages. */
export function MemberEventLine({ event }: { event: MemberEventFrame }) {
  return (
    <li className="member-event" data-seq={event.seq}>
      <span>{describeMemberEvent(event)}</span>
      {event.createdAt && <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>}
    </li>
  );
}
