import { Connection, ConsumerStatus } from 'rabbitmq-client';
import type { AsyncMessage, Envelope } from 'rabbitmq-client';
import type { Logger } from 'pino';
import type { Job, JobConsumer, JobQueue, RetryPolicy } from './job-queue.js';
import { defaultRetryPolicy, retryDelay } from './job-queue.js';
import { topologyDeclarations, topologyNames } from './topology.js';
import type { TopologyNames } from './topology.js';

export interface RabbitQueueOptions {
  url: string;
  log: Logger;
  /** Prefix of every exchange and queue name; empty in production. */
  prefix?: string;
  /** Shown by `rabbitmqctl list_connections name`; tests find their own connections by it. */
  connectionName?: string;
  retry?: RetryPolicy;
  /** Unacknowledged deliveries per consumer. */
  prefetch?: number;
  /** How long a publish waits for a channel while the broker is unreachable before it fails. */
  acquireTimeoutMs?: number;
}

export interface RabbitQueue extends JobQueue {
  readonly names: TopologyNames;
  /** The underlying connection, for tests that inspect or delete the topology. */
  readonly connection: Connection;
}

const attemptHeader = 'x-attempt';

function jobOf(message: AsyncMessage): Job {
  const raw: unknown = message.body;
  const payload =
    typeof raw === 'string' || Buffer.isBuffer(raw)
      ? (JSON.parse(raw.toString()) as unknown)
      : (raw as unknown);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error('job payload is not an object');
  }
  const attempt = Number(message.headers?.[attemptHeader] ?? 1);
  return {
    payload: payload as Record<string, unknown>,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
}

/** The RabbitMQ job queue: publisher confirms, a quorum work queue, TTL wait queues, a dead-letter queue. */
export function createRabbitQueue(options: RabbitQueueOptions): RabbitQueue {
  const retry = options.retry ?? defaultRetryPolicy;
  const names = topologyNames(options.prefix ?? '', retry);
  const topology = topologyDeclarations(names);
  const log = options.log.child({ component: 'rabbitmq' });
  // rabbitmq-client reconnects by itself with backoff; without this listener a lost connection would crash us.
  const connection = new Connection({
    url: options.url,
    connectionName: options.connectionName ?? 'messaging-app',
    retryLow: 200,
    retryHigh: 10_000,
    acquireTimeout: options.acquireTimeoutMs ?? 20_000,
  });
  connection.on('error', (error: unknown) => log.warn({ err: error }, 'rabbitmq connection error'));
  // Whoever connects first declares everything, whatever it goes on to do: a worker on a fresh
  // broker must not wait for an API's first publish to create the dead-letter and wait queues.
  const declareAll = async () => {
    for (const exchange of topology.exchanges) await connection.exchangeDeclare(exchange);
    for (const queue of topology.queues) await connection.queueDeclare(queue);
    for (const binding of topology.queueBindings) await connection.queueBind(binding);
  };
  connection.on('connection', () => {
    log.info('rabbitmq connected');
    declareAll().catch((error: unknown) =>
      log.warn({ err: error }, 'declaring the rabbitmq topology failed'),
    );
  });
  const publisher = connection.createPublisher({
    confirm: true,
    exchanges: topology.exchanges,
    queues: topology.queues,
    queueBindings: topology.queueBindings,
  });
  const consumers = new Set<JobConsumer>();

  const send = (envelope: Envelope, job: Job) =>
    publisher.send(
      {
        ...envelope,
        durable: true,
        contentType: 'application/json',
        headers: { [attemptHeader]: job.attempt },
      },
      job.payload,
    );

  /** Publishes to a wait queue (default exchange) or straight to the work exchange. */
  const sendAfter = (job: Job, delayMs: number, waitQueue: string) =>
    delayMs > 0
      ? send({ routingKey: waitQueue, expiration: String(Math.ceil(delayMs)) }, job)
      : send({ exchange: names.exchange, routingKey: names.routingKey }, job);

  return {
    kind: 'rabbitmq',
    retry,
    names,
    connection,
    async publish(payload, publishOptions = {}) {
      await sendAfter({ payload, attempt: 1 }, publishOptions.delayMs ?? 0, names.delayQueue);
    },
    consume(handler, consumeOptions = {}) {
      const concurrency = consumeOptions.concurrency ?? 4;
      const consumer = connection.createConsumer(
        {
          queue: names.queue,
          // Only what this consumer needs: its queue, the exchanges, and the work binding.
          queueOptions: topology.workQueue,
          exchanges: topology.exchanges,
          queueBindings: topology.workBindings,
          qos: { prefetchCount: options.prefetch ?? concurrency * 2 },
          concurrency,
          requeue: true,
        },
        async (message) => {
          let job: Job;
          try {
            job = jobOf(message);
          } catch (error) {
            log.error({ err: error }, 'unreadable job dead-lettered');
            return ConsumerStatus.DROP;
          }
          try {
            await handler(job);
            return ConsumerStatus.ACK;
          } catch (error) {
            if (job.attempt >= retry.maxAttempts) {
              log.error({ err: error, attempt: job.attempt }, 'job failed its last attempt; dead-lettered');
              return ConsumerStatus.DROP;
            }
            const next = job.attempt + 1;
            log.warn({ err: error, attempt: job.attempt }, 'job failed; retrying later');
            // The retry copy is confirmed before the original is acked: a crash in between leaves a
            // duplicate job, which the idempotent worker absorbs, never a lost one.
            await sendAfter(
              { ...job, attempt: next },
              retryDelay(retry, next),
              names.retryQueues[next - 2] ?? names.delayQueue,
            );
            return ConsumerStatus.ACK;
          }
        },
      );
      let ready = false;
      consumer.on('ready', () => {
        ready = true;
        log.info({ queue: names.queue }, 'consuming email jobs');
      });
      consumer.on('error', (error: unknown) => {
        ready = false;
        log.warn({ err: error }, 'rabbitmq consumer error');
      });
      const handle: JobConsumer = {
        consuming: () => ready && connection.ready,
        async close() {
          consumers.delete(handle);
          await consumer.close();
        },
      };
      consumers.add(handle);
      return handle;
    },
    async check() {
      return connection.ready ? 'up' : 'down';
    },
    async close() {
      await Promise.all([...consumers].map((c) => c.close()));
      await publisher.close();
      await connection.close();
    },
  };
}
