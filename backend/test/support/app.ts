import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { createMemoryBus } from '../../src/bus/memory-bus.js';
import { createMemoryPresence } from '../../src/presence/memory-presence.js';
import { createTestDatabase } from './database.js';
import type { TestDatabase } from './database.js';
import { openDatabase } from '../../src/db/client.js';

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

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    { jwtSecret: testSecret, dataDir: '/nonexistent-test-data-dir', port: 0, ...overrides },
  );
}

/** The whole app on a fresh database of the current suite's mode, driven through `app.server.inject`. */
export async function buildTestApp(
  options: {
    mode?: TestMode;
    config?: Partial<Config>;
    /** A second API instance on the first one's PostgreSQL database (services mode only). */
    sharing?: TestApp;
  } = {},
): Promise<TestApp> {
  const mode = options.mode ?? testMode;
  const db = options.sharing ? await secondConnection(options.sharing.db) : await createTestDatabase(mode);
  const config = testConfig(options.config);
  const bus = createMemoryBus();
  const presence = createMemoryPresence();
  const logger = pino({ level: config.logLevel });
  const app = await buildApp({ config, database: db.database, bus, presence, logger });
  await app.server.ready();
  return {
    ...app,
    db,
    config,
    async close() {
      await app.server.close();
      await bus.close();
      await presence.close();
      await db.drop();
    },
  };
}
