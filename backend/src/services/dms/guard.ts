import { forbidden } from '../errors.js';
import type { RoomRow } from '../rooms/access.js';

/**
 * A DM's people are fixed (its key is their set): nobody joins, is added, invited, banned or
 * removed, and nobody leaves. Each membership-changing action asks this first.
 */
export function refuseForDm(room: Pick<RoomRow, 'kind'>, what: string): void {
  if (room.kind === 'dm') throw forbidden(`a direct message's people are fixed: ${what} is not possible`);
}
