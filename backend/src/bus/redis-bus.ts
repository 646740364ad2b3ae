import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusListener, BusMessage } from './messages.js';

export interface RedisBusOptions {
  url: string;
  /** Namespaces the channel, so deployments or test runs sharing one Redis never hear each other. */
  prefix: string;
  log: Logger;
}

export interface RedisBus extends Bus {
  /** Resolves once both connections are up; used by /readyz. */
  ping(): Promise<void>;
}

interface Envelope {
  /** The publishing instance: it has already delivered the message locally and skips its own echo. */
  from: string;
  message: BusMessage;
}

/** Resolves once a connection is ready, or fails after `ms` (a readiness check must not hang). */
async function whenReady(connection: Redis, ms: number): Promise<void> {
  if (connection.status === 'ready') return;
  const signal = AbortSignal.timeout(ms);
  await once(connection, 'ready', { signal });
}

/**
 * The bus across instances: Redis pub/sub on one channel, one publisher and one subscriber
 * connection. Local listeners hear a message at once, without the round trip. Redis may drop
 * messages (it is down, or restarting); a publish then fails fast instead of queueing, and when
 * the subscriber reconnects every listener hears `bus.resumed` and catches up from PostgreSQL.
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const instance = randomUUID();
  const channel = `${options.prefix}:bus`;
  const listeners = new Set<BusListener>();
  const retry = (times: number) => Math.min(50 * times, 1000);
  // No offline queue: a publish during an outage must not hold a request until Redis returns.
  const publisher = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: retry,
  });
  const subscriber = new Redis(options.url, { retryStrategy: retry, maxRetriesPerRequest: null });
  let wasReady = false;
  let closing = false;

  const deliver = (message: BusMessage) => {
    for (const listener of listeners) listener(message);
  };

  for (const [name, connection] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    connection.on('error', (error: Error) => {
      if (!closing) options.log.warn({ err: error, connection: name }, 'redis bus connection error');
    });
  }
  subscriber.on('ready', () => {
    // ioredis resubscribes by itself on reconnect; whatever was published in between is gone.
    if (wasReady) {
      // The PING answers after the resubscription ioredis has just sent, so nothing published
      // from now on is missed by the catch-up that follows.
      subscriber.ping().then(
        () => {
          options.log.info('redis bus reconnected; catching up from the database');
          deliver({ kind: 'bus.resumed' });
        },
        (error: unknown) => options.log.warn({ err: error }, 'redis bus reconnected but did not answer'),
      );
    }
    wasReady = true;
  });
  subscriber.on('message', (_channel: string, text: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (error) {
      options.log.error({ err: error }, 'unreadable bus message dropped');
      return;
    }
    if (envelope.from !== instance) deliver(envelope.message);
  });
  const subscribed = subscriber.subscribe(channel).then(
    () => undefined,
    (error: unknown) => {
      options.log.error({ err: error, channel }, 'redis bus could not subscribe');
    },
  );

  return {
    async publish(message) {
      deliver(message);
      try {
        await publisher.publish(channel, JSON.stringify({ from: instance, message } satisfies Envelope));
      } catch (error) {
        // Dropping is allowed by design: other instances catch up by seq on `bus.resumed`.
        options.log.warn({ err: error, kind: message.kind }, 'bus message not published: redis unavailable');
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      await subscribed;
      if (subscriber.status !== 'ready') throw new Error(`redis subscriber is ${subscriber.status}`);
      await whenReady(publisher, 2_000);
      await publisher.ping();
    },
    async close() {
      closing = true;
      listeners.clear();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
