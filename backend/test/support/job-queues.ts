import { Connection } from 'rabbitmq-client';
import pino from 'pino';
import type { JobQueue, RetryPolicy } from '../../src/queue/job-queue.js';
import { createMemoryQueue } from '../../src/queue/memory-queue.js';
import { createRabbitQueue } from '../../src/queue/rabbitmq-queue.js';
import { topologyNames } from '../../src/queue/topology.js';
import type { TopologyNames } from '../../src/queue/topology.js';
import { uniqueName } from './factories.js';
import { services, testMode } from './services.js';
import type { TestMode } from './services.js';

/** Retries fast enough for a test, with the production attempt count. */
export const fastRetry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 };

export interface TestQueue {
  queue: JobQueue;
  /** Jobs in the dead-letter queue. */
  deadLetters(): Promise<number>;
  /** Closes the queue and, on RabbitMQ, deletes every exchange and queue of this run. */
  destroy(): Promise<void>;
}

/** Removes a run's topology from the shared broker. */
export async function deleteTopology(names: TopologyNames): Promise<void> {
  const admin = new Connection({ url: services.rabbitmq, connectionName: 'messaging-app test cleanup' });
  admin.on('error', () => undefined);
  try {
    for (const queue of [names.queue, names.deadQueue, names.delayQueue, ...names.retryQueues]) {
      await admin.queueDelete({ queue });
    }
    await admin.exchangeDelete({ exchange: names.exchange });
    await admin.exchangeDelete({ exchange: names.deadExchange });
  } finally {
    await admin.close();
  }
}

/** A per-run prefix for exchange and queue names, so that concurrent runs share the broker. */
export function runPrefix(): string {
  return `test.${uniqueName('q')}.`;
}

/** The in-process queue (`embedded`) or a RabbitMQ queue under a fresh prefix (`services`). */
export function createTestQueue(
  options: { mode?: TestMode; retry?: RetryPolicy; prefix?: string; keep?: boolean } = {},
): TestQueue {
  const retry = options.retry ?? fastRetry;
  if ((options.mode ?? testMode) === 'embedded') {
    const queue = createMemoryQueue({ retry });
    return { queue, deadLetters: async () => queue.deadLetters.length, destroy: () => queue.close() };
  }
  // Another queue on the same prefix is the same broker state: what a restarted process sees.
  const prefix = options.prefix ?? runPrefix();
  const queue = createRabbitQueue({
    url: services.rabbitmq,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    prefix,
    connectionName: `messaging-app test ${prefix}`,
    retry,
  });
  return {
    queue,
    async deadLetters() {
      const ok = await queue.connection.queueDeclare({ queue: queue.names.deadQueue, passive: true });
      return ok.messageCount;
    },
    async destroy() {
      await queue.close();
      if (!options.keep) await deleteTopology(topologyNames(prefix, retry));
    },
  };
}
