import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RabbitQueue } from '../src/queue/rabbitmq-queue.js';
import { createTestQueue } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';

const run = promisify(execFile);

/** The broker's own view of this run's queues: name → type and arguments. */
async function brokerQueues(prefix: string): Promise<Map<string, string>> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_queues',
    'name',
    'type',
    'durable',
    'arguments',
    '--no-table-headers',
  ]);
  return new Map(
    stdout
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .map((line) => [line.split('\t')[0] ?? '', line] as const),
  );
}

describe('the RabbitMQ queue', () => {
  let test: TestQueue;
  let queue: RabbitQueue;
  beforeAll(async () => {
    test = createTestQueue({ mode: 'services' });
    queue = test.queue as RabbitQueue;
    // The topology is declared with the first publish.
    await queue.publish({ warmup: true });
  });
  afterAll(async () => {
    await test?.destroy();
  });

  it('declares a durable quorum work queue with a dead-letter exchange, and TTL wait queues', async () => {
    const prefix = queue.names.exchange.replace(/notifications$/, '');
    const queues = await brokerQueues(prefix);
    const work = queues.get(queue.names.queue) ?? '';
    expect(work).toContain('quorum');
    expect(work).toContain('true');
    expect(work).toContain(queue.names.deadExchange);
    expect(queues.get(queue.names.deadQueue)).toContain('quorum');
    for (const wait of [queue.names.delayQueue, ...queue.names.retryQueues]) {
      expect(queues.get(wait)).toContain(queue.names.exchange);
    }
    expect(queue.names.retryQueues).toHaveLength(4);
  });

  it('reports itself up for readiness', async () => {
    expect(await queue.check()).toBe('up');
  });
});
