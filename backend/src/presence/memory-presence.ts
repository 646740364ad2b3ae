import type { Presence } from './presence.js';

/** The embedded presence: socket counts per user in this process. */
export function createMemoryPresence(): Presence {
  const sockets = new Map<string, number>();
  return {
    async connected(userId) {
      sockets.set(userId, (sockets.get(userId) ?? 0) + 1);
    },
    async disconnected(userId) {
      const left = (sockets.get(userId) ?? 0) - 1;
      if (left > 0) sockets.set(userId, left);
      else sockets.delete(userId);
    },
    async online(userIds) {
      return new Set(userIds.filter((id) => sockets.has(id)));
    },
    async close() {
      sockets.clear();
    },
  };
}
