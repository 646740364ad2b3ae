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
import { Redis } from 'ioredis';
import type { JobQueue } from './queue/job-queue.js';
import { createMemoryQueue } from './queue/memory-queue.js';
import { createRabbitQueue } from './queue/rabbitmq-queue.js';
import type { Mailer } from './mail/mailer.js';
import { createSmtpMailer } from './mail/smtp-mailer.js';
import { createFileMailer } from './mail/file-mailer.js';

/** The backing services of one process: real ones where configured, embedded ones otherwise. */
export interface Runtime {
  database: Database;
  bus: Bus;
  presence: Presence;
  /** Email jobs: RabbitMQ with RABBITMQ_URL, in-process otherwise. */
  queue: JobQueue;
  /** SMTP with SMTP_URL, otherwise DATA_DIR/mail/*.eml and the log. */
  mailer: Mailer;
  readiness: ReadinessCheck[];
  /** Redis for rate limits and the cache, with REDIS_URL; keys under REDIS_PREFIX. */
  redis?: Redis;
  close(): Promise<void>;
}

function openQueue(config: Config, log: Logger, role: Config['role']): JobQueue {
  const retry = {
    maxAttempts: config.emailMaxAttempts,
    baseDelayMs: config.emailRetryDelayMs,
    maxDelayMs: config.emailRetryMaxDelayMs,
  };
  if (!config.rabbitmqUrl) return createMemoryQueue({ retry });
  return createRabbitQueue({
    url: config.rabbitmqUrl,
    log,
    prefix: config.rabbitmqPrefix,
    connectionName: `messaging-app ${role} ${config.rabbitmqPrefix}`.trim(),
    retry,
  });
}

function openMailer(config: Config, log: Logger): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({
        url: config.smtpUrl,
        from: config.mailFrom,
        // A sending must end well within the claim's lease, so no second sender overlaps it.
        sendTimeoutMs: Math.min(60_000, config.emailClaimLeaseMs / 2),
      })
    : createFileMailer({ dataDir: config.dataDir, from: config.mailFrom, log });
}

export interface RuntimeOptions {
  /** Apply pending migrations before serving (role `all`, and always on the embedded store). */
  migrate: boolean;
  /** The role this process runs (from the command line); names its broker connection. */
  role?: Config['role'];
}

export async function openRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: join(config.dataDir),
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    onConnectionError: (error) => log.warn({ err: error }, 'database connection lost; the pool replaces it'),
  });
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
  // One command connection for limits and the cache; pub/sub needs connections of its own (the bus).
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { keyPrefix: `${config.redisPrefix}:`, lazyConnect: false })
    : undefined;
  redis?.on('error', (error) => log.warn({ err: error }, 'redis (limits and cache) connection error'));
  const role = options.role ?? config.role;
  const queue = openQueue(config, log, role);
  const mailer = openMailer(config, log);
  if (queue.kind === 'rabbitmq') readiness.push({ name: 'rabbitmq', check: () => queue.check() });
  // Only the worker talks to SMTP: a mail relay outage must not take every API pod out of rotation.
  if (mailer.kind === 'smtp' && role === 'worker') {
    readiness.push({ name: 'smtp', check: () => mailer.check() });
  }
  return {
    database,
    bus,
    presence,
    queue,
    mailer,
    readiness,
    redis,
    async close() {
      await redis?.quit();
      await queue.close();
      await mailer.close();
      await bus.close();
      await presence.close();
      await database.close();
    },
  };
}
