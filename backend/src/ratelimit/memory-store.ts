import type { BucketDecision, LimiterStore } from './store.js';

interface Entry {
  value: number;
  expiresAt: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Limits of a single process (the embedded default): the same semantics as the Redis store. */
export function createMemoryLimiterStore(now: () => number = Date.now): LimiterStore {
  const entries = new Map<string, Entry>();
  const buckets = new Map<string, Bucket>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired entries would otherwise pile up under an attacker who varies keys.
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
    for (const [key, bucket] of buckets) if (t - bucket.at > 3_600_000) buckets.delete(key);
  }, 60_000);
  sweep.unref();

  return {
    async take(key, capacity, perSecond): Promise<BucketDecision> {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
      const tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        return { allowed: true, retryAfterMs: 0 };
      }
      buckets.set(key, { tokens, at: t });
      return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / perSecond) * 1000) };
    },
    async increment(key, windowMs) {
      const entry = live(key) ?? { value: 0, expiresAt: now() + windowMs };
      entry.value += 1;
      entries.set(key, entry);
      return { count: entry.value, ttlMs: entry.expiresAt - now() };
    },
    async count(key) {
      return live(key)?.value ?? 0;
    },
    async claim(key, ttlMs) {
      const entry = live(key);
      if (entry) return { claimed: false, ttlMs: entry.expiresAt - now() };
      entries.set(key, { value: 1, expiresAt: now() + ttlMs });
      return { claimed: true, ttlMs };
    },
    async remember(key, ttlMs) {
      entries.set(key, { value: 1, expiresAt: now() + ttlMs });
    },
    async has(key) {
      return live(key) !== undefined;
    },
    async forget(key) {
      entries.delete(key);
      buckets.delete(key);
    },
  };
}
