import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Presence } from './presence.js';

export interface RedisPresenceOptions {
  url: string;
  prefix: string;
  log: Logger;
  /** How long an instance's claim lives without a refresh: a crashed instance's users expire after it. */
  ttlMs?: number;
}

export interface RedisPresence extends Presence {
  ping(): Promise<void>;
}

/**
 * Presence across instances. Each user has a sorted set of the instances holding a socket of theirs,
 * scored by when that claim expires; a user is online while some claim is in the future. Each
 * instance refreshes its claims on a heartbeat (a third of the TTL), so when one crashes its users go
 * offline by themselves once the TTL passes. Socket counts per user stay in this process.
 */
export function createRedisPresence(options: RedisPresenceOptions): RedisPresence {
  const instance = randomUUID();
  const ttlMs = options.ttlMs ?? 30_000;
  const redis = new Redis(options.url, { retryStrategy: (times) => Math.min(50 * times, 1000) });
  let closing = false;
  redis.on('error', (error: Error) => {
    if (!closing) options.log.warn({ err: error }, 'redis presence connection error');
  });
  const sockets = new Map<string, number>();
  const key = (userId: string) => `${options.prefix}:presence:${userId}`;

  const claim = async (userIds: Iterable<string>) => {
    const until = Date.now() + ttlMs;
    const batch = redis.pipeline();
    for (const userId of userIds) {
      batch.zadd(key(userId), until, instance);
      batch.pexpire(key(userId), ttlMs);
    }
    if (batch.length > 0) await batch.exec();
  };

  const heartbeat = setInterval(
    () => {
      claim(sockets.keys()).catch((error: unknown) => {
        options.log.warn(
          { err: error },
          'presence heartbeat failed; claims expire unless the next one succeeds',
        );
      });
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();

  return {
    async connected(userId) {
      const count = (sockets.get(userId) ?? 0) + 1;
      sockets.set(userId, count);
      if (count === 1) await claim([userId]);
    },
    async disconnected(userId) {
      const left = (sockets.get(userId) ?? 0) - 1;
      if (left > 0) {
        sockets.set(userId, left);
        return;
      }
      sockets.delete(userId);
      await redis.zrem(key(userId), instance);
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
      const mine = [...sockets.keys()];
      sockets.clear();
      if (mine.length > 0 && redis.status === 'ready') {
        const batch = redis.pipeline();
        for (const userId of mine) batch.zrem(key(userId), instance);
        await batch.exec();
      }
      redis.disconnect();
    },
  };
}
