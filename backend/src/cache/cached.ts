import { cacheHits, cacheMisses } from '../metrics/security.js';
import type { CacheStore } from './store.js';

/** A typed cache of one kind of value over a CacheStore, counting hits and misses for /metrics. */
export interface Cached<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  invalidate(key: string): Promise<void>;
}

export function cached<T>(
  name: string,
  store: CacheStore,
  ttlSeconds: number,
  codec: { encode(value: T): string; decode(text: string): T },
): Cached<T> {
  const full = (key: string) => `${name}:${key}`;
  return {
    async get(key, load) {
      const read = await store.read(full(key));
      if (read.value !== null) {
        cacheHits.inc({ cache: name });
        return codec.decode(read.value);
      }
      cacheMisses.inc({ cache: name });
      const value = await load();
      await store.write(full(key), read.generation, codec.encode(value), ttlSeconds);
      return value;
    },
    invalidate: (key) => store.invalidate(full(key), ttlSeconds),
  };
}
