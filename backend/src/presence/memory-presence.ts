import { LocalSockets } from './local-sockets.js';
import { defaultPresenceTtlMs } from './presence.js';
import type { Presence } from './presence.js';

export interface MemoryPresenceOptions {
  /** How long a closed socket is remembered (so a late `connected` of it is ignored). */
  ttlMs?: number;
}

/**
 * The embedded presence: one entry per socket in this process, with the same rules as the Redis one
 * (per socket, a socket closed before it was announced never counts). Every socket is local, so
 * nothing needs a heartbeat: an entry lives exactly as long as its socket.
 */
export function createMemoryPresence(options: MemoryPresenceOptions = {}): Presence {
  const ttlMs = options.ttlMs ?? defaultPresenceTtlMs;
  const sockets = new LocalSockets(ttlMs);
  const byUser = new Map<string, Set<string>>();
  const sweeper = setInterval(() => sockets.sweep(), ttlMs);
  sweeper.unref();
  return {
    async connected(userId, socketId) {
      if (!sockets.open(userId, socketId)) return;
      let own = byUser.get(userId);
      if (!own) byUser.set(userId, (own = new Set()));
      own.add(socketId);
    },
    async disconnected(userId, socketId) {
      if (!sockets.close(socketId)) return;
      const own = byUser.get(userId);
      own?.delete(socketId);
      if (own?.size === 0) byUser.delete(userId);
    },
    async online(userIds) {
      return new Set(userIds.filter((id) => byUser.has(id)));
    },
    async close() {
      clearInterval(sweeper);
      sockets.clear();
      byUser.clear();
    },
  };
}
