import type { Redis } from 'ioredis';
import type { Limiter } from './limiter.js';
import { createMemoryLimiterStore } from './memory-store.js';
import { createRedisLimiterStore } from './redis-store.js';
import type { RateLimits } from './settings.js';

/** The limiter of one process: counts in Redis when there is one, so instances share budgets. */
export function openLimiter(settings: RateLimits, redis?: Redis): Limiter {
  return { settings, store: redis ? createRedisLimiterStore(redis) : createMemoryLimiterStore() };
}
