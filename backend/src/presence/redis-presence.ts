import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultPresenceTtlMs } from './presence.js';
import type { Presence } from './presence.js';
import { LocalSockets } from './local-sockets.js';

export interface RedisPresenceOptions {
  url: string;
  prefix: string;
  log: Logger;
  /** How long a socket's entry lives without a heartbeat: a crashed instance's sockets expire after it. */
  ttlMs?: number;
}

export interface RedisPresence extends Presence {
  ping(): Promise<void>;
}

/**
 * Presence across instances, one entry per socket. Each user has a sorted set of their sockets on
 * every instance, scored by when the entry expires; a user is online while some entry is in the
 * future. Each instance renews its own sockets' entries on a heartbeat (a third of the TTL), so the
 * sockets of a crashed instance expire by themselves once the TTL passes. A socket's entry is added
 * and removed by this instance's one connection, in call order; a socket that closed before it was
 * announced is never added (see `LocalSockets`), and an entry nobody renews cannot outlive the TTL.
 */
export function createRedisPresence(options: RedisPresenceOptions): RedisPresence {
  const ttlMs = options.ttlMs ?? defaultPresenceTtlMs;
  const redis = new Redis(options.url, { retryStrategy: (times) => Math.min(50 * times, 1000) });
  let closing = false;
  redis.on('error', (error: Error) => {
    if (!closing) options.log.warn({ err: error }, 'redis presence connection error');
  });
  const sockets = new LocalSockets(ttlMs);
  const key = (userId: string) => `${options.prefix}:presence:${userId}`;

  const renew = async (entries: Iterable<[string, string]>) => {
    const now = Date.now();
    const until = now + ttlMs;
    const batch = redis.pipeline();
    for (const [socketId, userId] of entries) {
      batch.zadd(key(userId), until, socketId);
      // Entries of sockets whose instance died: gone from the count already, now from the set.
      batch.zremrangebyscore(key(userId), '-inf', now);
      batch.pexpire(key(userId), ttlMs);
    }
    if (batch.length > 0) await batch.exec();
  };

  const heartbeat = setInterval(
    () => {
      sockets.sweep();
      renew(sockets.entries()).catch((error: unknown) => {
        options.log.warn(
          { err: error },
          'presence heartbeat failed; entries expire unless the next one succeeds',
        );
      });
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();

  return {
    async connected(userId, socketId) {
      if (!sockets.open(userId, socketId)) return;
      await renew([[socketId, userId]]);
    },
    async disconnected(userId, socketId) {
      sockets.close(socketId);
      // Also when it was never announced here: harmless, and it removes an entry a reordered add left.
      await redis.zrem(key(userId), socketId);
    },
    async online(userIds) {
      if (userIds.length === 0) return new Set();
      const now = Date.now();
      const batch = redis.pipeline();
      for (const userId of userIds) batch.zcount(key(userId), now, '+inf');
      const results = (await batch.exec()) ?? [];
      const online = new Set<string>();
      results.forEach(([error, count], i) => {
        if (error) throw error;
        const userId = userIds[i];
        if (userId !== undefined && Number(count) > 0) online.add(userId);
      });
      return online;
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      const mine = [...sockets.entries()];
      sockets.clear();
      if (mine.length > 0 && redis.status === 'ready') {
        const batch = redis.pipeline();
        for (const [socketId, userId] of mine) batch.zrem(key(userId), socketId);
        await batch.exec();
      }
      redis.disconnect();
    },
  };
}
