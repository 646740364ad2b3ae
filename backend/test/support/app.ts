import pino from 'pino';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { createMemoryBus } from '../../src/bus/memory-bus.js';
import { createMemoryPresence } from '../../src/presence/memory-presence.js';
import { createRedisBus } from '../../src/bus/redis-bus.js';
import { createRedisPresence } from '../../src/presence/redis-presence.js';
import type { Bus } from '../../src/bus/messages.js';
import type { Presence } from '../../src/presence/presence.js';
import type { GatewayOptions } from '../../src/websocket/options.js';
import { services as serviceUrls } from './services.js';
import { createTestDatabase } from './database.js';
import type { TestDatabase } from './database.js';
import { openDatabase } from '../../src/db/client.js';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RateLimits } from '../../src/ratelimit/settings.js';

/** Another pool on an existing test database; dropping it only closes the pool. */
async function secondConnection(first: TestDatabase): Promise<TestDatabase> {
  if (!first.url) throw new Error('only a PostgreSQL test database can be shared between instances');
  const database = await openDatabase({ databaseUrl: first.url, dataDir: 'memory://' });
  return { database, url: first.url, drop: () => database.close() };
}
import { testMode } from './services.js';
import type { TestMode } from './services.js';

export interface TestApp extends App {
  db: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export const testSecret = 'test-secret-that-is-long-enough-to-pass-the-check-0123456789';

/** Test apps serve `/metrics` on their (public) port to this token; `metricsHeaders` carries it. */
export const testMetricsToken = 'test-metrics-token-0123456789';
export const metricsHeaders = { authorization: `Bearer ${testMetricsToken}` };

/**
 * What a server process under test (`main.ts` from source) is started with besides its store: the
 * test secret, no frontend bundle, JSON logs to read, and HTTP limits no suite reaches.
 */
export const testProcessEnv: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  JWT_SECRET: testSecret,
  FRONTEND_DIST: '/nonexistent-frontend-dist',
  LOG_LEVEL: 'info',
  RATE_LIMIT_API_PER_MINUTE: '1000000',
  RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000000',
  RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: '1000000',
  RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
  RATE_LIMIT_MESSAGE_BURST: '100000',
};

/**
 * Limits no ordinary suite reaches, so only the rate-limit and attack suites (which pass tight ones)
 * see 429s. The login slow-down stays on: a suite that fails a login five times on one account
 * would be throttled, which is the behaviour under test elsewhere.
 */
export const generousLimits: Partial<RateLimits> = {
  apiPerMinute: 1_000_000,
  loginPerIpPerMinute: 1_000_000,
  registerPerIpPerHour: 1_000_000,
  passwordResetPerIpPerHour: 1_000_000,
  messagesPerSecond: 1_000_000,
  messageBurst: 1_000_000,
  wsFramesPerSecond: 1_000_000,
  wsFrameBurst: 1_000_000,
  wsSocketsPerUser: 10_000,
  wsUnauthenticatedPerAddress: 10_000,
  wsReplayPerSocket: 1_000_000,
  wsReplayPerUser: 1_000_000,
  // Suites sign several people up at once from one address; the fair queue itself has its own tests.
  passwordWorkQueuePerRequester: 1_000_000,
};

export function testConfig(overrides: Partial<Config> = {}, limits: Partial<RateLimits> = {}): Config {
  const config = loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    {
      jwtSecret: testSecret,
      metricsToken: testMetricsToken,
      dataDir: '/nonexistent-test-data-dir',
      port: 0,
      ...overrides,
    },
  );
  // Limits given whole in `overrides` are the caller's choice; otherwise start from the generous ones.
  const base = overrides.limits ?? { ...config.limits, ...generousLimits };
  return { ...config, limits: { ...base, ...limits } };
}

/** Deletes every key under `prefix`. SCAN patterns are not prefixed by ioredis, DEL keys are. */
async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys.map((k) => k.slice(prefix.length)));
  } while (cursor !== '0');
}

/** The whole app on a fresh database of the current suite's mode, driven through `app.server.inject`. */
export async function buildTestApp(
  options: {
    mode?: TestMode;
    config?: Partial<Config>;
    /** A second API instance on the first one's PostgreSQL database (services mode only). */
    sharing?: TestApp;
    /**
     * Redis bus and presence under this key prefix (services mode); instances given the same
     * prefix hear each other. Ignored in embedded mode, which keeps the in-process ones.
     */
    redisPrefix?: string;
    /** The Redis server of that bus and presence (a private one a test may kill); the machine's by default. */
    redisUrl?: string;
    /** WebSocket gateway tunables. */
    realtime?: Partial<GatewayOptions>;
    /** Tighter rate limits than the generous test defaults. */
    limits?: Partial<RateLimits>;
    /**
     * Key prefix of the Redis used for limits and the cache (services mode); instances given the
     * same one share them. Defaults to `redisPrefix`, else a prefix of this instance alone.
     */
    cachePrefix?: string;
    /** The app's logger (default: pino at the config's level, to stdout). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const mode = options.mode ?? testMode;
  const db = options.sharing ? await secondConnection(options.sharing.db) : await createTestDatabase(mode);
  const config = testConfig(options.config, options.limits);
  const logger = options.logger ?? pino({ level: config.logLevel });
  let bus: Bus;
  let presence: Presence;
  if (options.redisPrefix !== undefined && mode === 'services') {
    const redis = { url: options.redisUrl ?? serviceUrls.redis, prefix: options.redisPrefix, log: logger };
    bus = createRedisBus(redis);
    presence = createRedisPresence(redis);
  } else {
    bus = createMemoryBus();
    presence = createMemoryPresence();
  }
  const ownPrefix = options.cachePrefix === undefined && options.redisPrefix === undefined;
  const cachePrefix = options.cachePrefix ?? options.redisPrefix ?? `test-${randomUUID()}`;
  const redis =
    mode === 'services' ? new Redis(serviceUrls.redis, { keyPrefix: `${cachePrefix}:` }) : undefined;
  const app = await buildApp({
    redis,
    config,
    database: db.database,
    bus,
    presence,
    logger,
    realtime: options.realtime,
  });
  await app.server.ready();
  return {
    ...app,
    db,
    config,
    async close() {
      await app.server.close();
      await bus.close();
      await presence.close();
      // Limits and cache entries of an instance-private prefix go with it; shared ones expire.
      if (redis && ownPrefix) await dropKeys(redis, `${cachePrefix}:`);
      await redis?.quit();
      await db.drop();
    },
  };
}
