import type { Redis } from 'ioredis';
import type { BucketDecision, LimiterStore } from './store.js';

// One round trip and atomic: concurrent API instances cannot both spend the last token.
const takeScript = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (math.max(0, now - at) / 1000) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil(((1 - tokens) / rate) * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity / rate) * 1000) + 1000)
return { allowed, wait }
`;

const incrementScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** Limits shared by every API instance through Redis. Keys are namespaced by the client's keyPrefix. */
export function createRedisLimiterStore(redis: Redis, namespace = 'limit:'): LimiterStore {
  const k = (key: string) => namespace + key;
  return {
    async take(key, capacity, perSecond): Promise<BucketDecision> {
      const [allowed, wait] = (await redis.eval(takeScript, 1, k(key), capacity, perSecond)) as [
        number,
        number,
      ];
      return { allowed: allowed === 1, retryAfterMs: wait };
    },
    async increment(key, windowMs) {
      const [count, ttlMs] = (await redis.eval(incrementScript, 1, k(key), windowMs)) as [number, number];
      return { count, ttlMs };
    },
    async count(key) {
      const value = await redis.get(k(key));
      return value === null ? 0 : Number(value);
    },
    async claim(key, ttlMs) {
      const set = await redis.set(k(key), '1', 'PX', ttlMs, 'NX');
      if (set === 'OK') return { claimed: true, ttlMs };
      return { claimed: false, ttlMs: Math.max(0, await redis.pttl(k(key))) };
    },
    async remember(key, ttlMs) {
      await redis.set(k(key), '1', 'PX', ttlMs);
    },
    async has(key) {
      return (await redis.exists(k(key))) === 1;
    },
    async forget(key) {
      await redis.del(k(key));
    },
  };
}
