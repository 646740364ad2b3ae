import type { Redis } from 'ioredis';
import type { CacheStore } from './store.js';

/**
 * The shared cache: every instance reads the same keys, so deleting a key (and bumping its
 * generation) is seen by all instances on their very next read; there is no local copy to go stale.
 */
export function createRedisCacheStore(redis: Redis, namespace = 'cache:'): CacheStore {
  const valueKey = (key: string) => `${namespace}v:${key}`;
  const generationKey = (key: string) => `${namespace}g:${key}`;
  return {
    async read(key) {
      const [stored, generationText] = await redis.mget(valueKey(key), generationKey(key));
      const generation = generationText ? Number(generationText) : 0;
      if (!stored) return { value: null, generation };
      const bar = stored.indexOf('|');
      const written = Number(stored.slice(0, bar));
      return { value: written === generation ? stored.slice(bar + 1) : null, generation };
    },
    async write(key, generation, value, ttlSeconds) {
      await redis.set(valueKey(key), `${generation}|${value}`, 'EX', ttlSeconds);
    },
    async invalidate(key, ttlSeconds) {
      // The generation outlives any value written under the old one, so it cannot reset under it.
      await redis
        .multi()
        .incr(generationKey(key))
        .expire(generationKey(key), ttlSeconds * 2 + 60)
        .del(valueKey(key))
        .exec();
    },
  };
}
