import type { RetryPolicy } from './job-queue.js';

/** `prod` and `prod.` both name the namespace `prod.`; the empty prefix is none. */
export function namespaceOf(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

/** The names of every exchange and queue, under a prefix so that test runs share a broker safely. */
export function topologyNames(prefix: string, retry: RetryPolicy) {
  const base = `${namespaceOf(prefix)}notifications`;
  return {
    exchange: base,
    routingKey: 'email',
    queue: `${base}.email`,
    deadExchange: `${base}.dlx`,
    deadQueue: `${base}.email.dead`,
    delayQueue: `${base}.email.delay`,
    /** One wait queue per retry: every message in it has the same TTL, so none blocks the head. */
    retryQueues: Array.from(
      { length: Math.max(0, retry.maxAttempts - 1) },
      (_, i) => `${base}.email.retry.${i + 2}`,
    ),
  };
}

export type TopologyNames = ReturnType<typeof topologyNames>;

/** A redelivery cap above our own attempt count: it only catches a job that crashes its worker every time. */
const crashLoopDeliveryLimit = 10;

/**
 * Declarations for rabbitmq-client, re-run on every reconnect. The EMAIL_DELAY wait and the retry
 * backoff are per-message TTLs on durable wait queues that dead-letter into the work queue: the
 * waiting job lives in the broker, not in a worker's timer, so a worker crash loses nothing.
 */
export function topologyDeclarations(names: TopologyNames) {
  const waitQueue = (queue: string) => ({
    queue,
    durable: true,
    arguments: { 'x-dead-letter-exchange': names.exchange, 'x-dead-letter-routing-key': names.routingKey },
  });
  const workQueue = {
    queue: names.queue,
    durable: true,
    arguments: {
      'x-queue-type': 'quorum' as const,
      'x-dead-letter-exchange': names.deadExchange,
      'x-delivery-limit': crashLoopDeliveryLimit,
    },
  };
  return {
    workQueue,
    exchanges: [
      { exchange: names.exchange, type: 'direct' as const, durable: true },
      { exchange: names.deadExchange, type: 'fanout' as const, durable: true },
    ],
    queues: [
      workQueue,
      { queue: names.deadQueue, durable: true, arguments: { 'x-queue-type': 'quorum' as const } },
      waitQueue(names.delayQueue),
      ...names.retryQueues.map(waitQueue),
    ],
    queueBindings: [
      { queue: names.queue, exchange: names.exchange, routingKey: names.routingKey },
      { queue: names.deadQueue, exchange: names.deadExchange, routingKey: '' },
    ],
    /** The consumer's own binding: it declares only the work queue itself. */
    workBindings: [{ queue: names.queue, exchange: names.exchange, routingKey: names.routingKey }],
  };
}
