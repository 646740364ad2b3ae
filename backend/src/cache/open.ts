import type { Redis } from 'ioredis';
import { createCaches } from './caches.js';
import type { Caches } from './caches.js';
import { createMemoryCacheStore } from './memory-store.js';
import { createRedisCacheStore } from './redis-store.js';

/** The caches of one process: in Redis when there is one (shared by every instance), else in memory. */
export function openCaches(ttlSeconds: number, redis?: Redis): Caches {
  return createCaches(redis ? createRedisCacheStore(redis) : createMemoryCacheStore(), ttlSeconds);
}
