import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import type { Database } from './db/client.js';
import { migrate } from './db/migrate.js';
import type { Bus } from './bus/messages.js';
import { createMemoryBus } from './bus/memory-bus.js';
import type { Presence } from './presence/presence.js';
import { createMemoryPresence } from './presence/memory-presence.js';
import { createRedisBus } from './bus/redis-bus.js';
import { createRedisPresence } from './presence/redis-presence.js';
import type { ReadinessCheck } from './routes/health.js';

/** The backing services of one process: real ones where configured, embedded ones otherwise. */
export interface Runtime {
  database: Database;
  bus: Bus;
  presence: Presence;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Apply pending migrations before serving (role `all`, and always on the embedded store). */
  migrate: boolean;
}

export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir) });
  try {
    if (options.migrate || database.kind === 'pglite') {
      await migrate(database);
      log.info({ database: database.kind }, 'migrations applied');
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const readiness: ReadinessCheck[] = [];
  let bus: Bus;
  let presence: Presence;
  if (config.redisUrl) {
    const redis = { url: config.redisUrl, prefix: config.redisPrefix, log };
    const redisBus = createRedisBus(redis);
    const redisPresence = createRedisPresence(redis);
    bus = redisBus;
    presence = redisPresence;
    readiness.push({
      name: 'redis',
      check: async () => {
        await Promise.all([redisBus.ping(), redisPresence.ping()]);
        return 'up';
      },
    });
  } else {
    bus = createMemoryBus();
    presence = createMemoryPresence();
  }
  return {
    database,
    bus,
    presence,
    readiness,
    async close() {
      await bus.close();
      await presence.close();
      await database.close();
    },
  };
}
