import type { Config } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { createRabbitQueue } from '../queue/rabbitmq-queue.js';
import type { Logger } from 'pino';
import { brokerDeadLetterCount, listDeadLetters, replayDeadLetters } from './dead-letters.js';
import type { BrokerDeadLetters } from './dead-letters.js';

export const deadLettersUsage = `usage: main.js dead-letters list [--user <id>]
       main.js dead-letters replay [--user <id>]`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function parse(args: string[]): { action: 'list' | 'replay'; userId?: string } {
  const [action, flag, value, ...rest] = args;
  if ((action !== 'list' && action !== 'replay') || rest.length > 0) throw new UsageError(deadLettersUsage);
  if (flag === undefined) return { action };
  if (flag !== '--user' || !value || !/^[0-9a-f-]{36}$/i.test(value)) throw new UsageError(deadLettersUsage);
  return { action, userId: value };
}

/**
 * `main.js dead-letters list|replay`: the operator's view of email jobs that used up every attempt
 * (the database's record, plus the broker's dead-letter queue with RABBITMQ_URL), and the way to
 * send them again now. On the embedded store, stop the server first: it holds DATA_DIR.
 */
export async function runDeadLettersCommand(
  config: Config,
  log: Logger,
  args: string[],
  write: (line: string) => void,
): Promise<void> {
  const { action, userId } = parse(args);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const queue = config.rabbitmqUrl
    ? createRabbitQueue({
        url: config.rabbitmqUrl,
        log,
        prefix: config.rabbitmqPrefix,
        connectionName: `messaging-app dead-letters ${config.rabbitmqPrefix}`.trim(),
        retry: { maxAttempts: config.emailMaxAttempts, baseDelayMs: 0, maxDelayMs: 0 },
      })
    : undefined;
  const broker: BrokerDeadLetters | undefined = queue
    ? { connection: queue.connection, names: queue.names }
    : undefined;
  try {
    if (database.kind === 'pglite') await migrate(database);
    if (action === 'list') {
      const letters = await listDeadLetters(database.db, userId);
      write(
        `${letters.length} dead-lettered notification(s), ${new Set(letters.map((l) => l.userId)).size} recipient(s)`,
      );
      if (broker)
        write(
          `broker dead-letter queue ${broker.names.deadQueue}: ${await brokerDeadLetterCount(broker)} job(s)`,
        );
      for (const l of letters) {
        write(
          [
            l.notificationId,
            l.userId,
            l.email,
            l.createdAt.toISOString(),
            l.deadAt.toISOString(),
            `attempts=${l.attempts}`,
            l.error ?? '',
          ].join('\t'),
        );
      }
      return;
    }
    const result = await replayDeadLetters(database.db, {
      ...(userId ? { userId } : {}),
      ...(broker ? { broker } : {}),
    });
    write(
      `replayed: ${result.notifications} notification(s) of ${result.recipients} recipient(s) queued again` +
        (broker ? `; ${result.brokerJobs} job(s) taken from ${broker.names.deadQueue}` : ''),
    );
  } finally {
    await queue?.close();
    await database.close();
  }
}
