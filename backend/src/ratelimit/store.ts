/** The verdict of a token bucket: whether the call may proceed, and when to come back if not. */
export interface BucketDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * The few atomic operations the limiters need. Redis when REDIS_URL is set, so that every API
 * instance counts against the same budget; process memory otherwise.
 */
export interface LimiterStore {
  /** Takes one token from a bucket of `capacity` that refills at `perSecond`. */
  take(key: string, capacity: number, perSecond: number): Promise<BucketDecision>;
  /** Adds one to a counter that lives `windowMs` from its first increment; returns the count and its remaining life. */
  increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** The current value of a counter (0 when absent). */
  count(key: string): Promise<number>;
  /** Sets `key` for `ttlMs` unless it is set: true when this call set it (the caller holds the slot). */
  claim(key: string, ttlMs: number): Promise<{ claimed: boolean; ttlMs: number }>;
  /** Marks `key` present for `ttlMs`. */
  remember(key: string, ttlMs: number): Promise<void>;
  has(key: string): Promise<boolean>;
  forget(key: string): Promise<void>;
}
