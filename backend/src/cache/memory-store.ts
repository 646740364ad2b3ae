import type { CacheStore } from './store.js';

interface Slot {
  value: string | null;
  valueGeneration: number;
  generation: number;
  expiresAt: number;
}

/** The embedded cache: one process, so invalidation is immediate by construction. */
export function createMemoryCacheStore(maxEntries = 50_000, now: () => number = Date.now): CacheStore {
  const slots = new Map<string, Slot>();
  return {
    async read(key) {
      const slot = slots.get(key);
      if (!slot) return { value: null, generation: 0 };
      const fresh = slot.value !== null && slot.expiresAt > now() && slot.valueGeneration === slot.generation;
      return { value: fresh ? slot.value : null, generation: slot.generation };
    },
    async write(key, generation, value, ttlSeconds) {
      const slot = slots.get(key);
      if (slot && slot.generation !== generation) return;
      // A crude bound: drop the oldest insertions rather than grow without limit.
      if (!slot && slots.size >= maxEntries) {
        const oldest = slots.keys().next().value;
        if (oldest !== undefined) slots.delete(oldest);
      }
      slots.set(key, {
        value,
        valueGeneration: generation,
        generation,
        expiresAt: now() + ttlSeconds * 1000,
      });
    },
    async invalidate(key, ttlSeconds) {
      const slot = slots.get(key);
      slots.delete(key);
      slots.set(key, {
        value: null,
        valueGeneration: -1,
        generation: (slot?.generation ?? 0) + 1,
        expiresAt: now() + ttlSeconds * 1000,
      });
    },
  };
}
