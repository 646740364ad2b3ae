import type { Room } from '@messaging-app/shared';

/** What a room is called on screen: its name, or for a DM the other people's names. */
export function roomTitle(room: Pick<Room, 'name' | 'kind' | 'dmMembers'>): string {
  if (room.kind !== 'dm') return room.name;
  const names = (room.dmMembers ?? []).map((u) => u.displayName);
  return names.length > 0 ? names.join(', ') : 'Direct message';
}
