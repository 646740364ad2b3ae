/** A cache read: the value, or null on a miss, with the key's generation to write back under. */
export interface CacheRead {
  value: string | null;
  generation: number;
}

/**
 * A key-value cache with per-key generations. An invalidation bumps the generation and drops the
 * entry; a value computed before the bump is written under the old generation and never served,
 * which closes the read-invalidate-write race (a removed member cached back as a member).
 */
export interface CacheStore {
  read(key: string): Promise<CacheRead>;
  write(key: string, generation: number, value: string, ttlSeconds: number): Promise<void>;
  invalidate(key: string, ttlSeconds: number): Promise<void>;
}
