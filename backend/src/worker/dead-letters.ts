import { and, asc, desc, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { Connection } from 'rabbitmq-client';
import type { Db } from '../db/client.js';
import { notifications, outbox, users } from '../db/schema.js';
import { emailTopic } from '../services/notifications/create.js';
import type { TopologyNames } from '../queue/topology.js';

/** One notification whose email job used up every attempt. */
export interface DeadLetter {
  notificationId: string;
  userId: string;
  email: string;
  createdAt: Date;
  deadAt: Date;
  attempts: number;
  error: string | null;
}

/** The broker's dead-letter queue, for the RabbitMQ mode. */
export interface BrokerDeadLetters {
  connection: Connection;
  names: TopologyNames;
}

/** Dead-lettered notifications not emailed since, newest first; optionally of one user. */
export async function listDeadLetters(db: Db, userId?: string): Promise<DeadLetter[]> {
  const rows = await db
    .select({
      notificationId: notifications.id,
      userId: notifications.userId,
      email: users.email,
      createdAt: notifications.createdAt,
      deadAt: notifications.emailDeadAt,
      attempts: notifications.emailAttempts,
      error: notifications.emailError,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(
      and(
        isNotNull(notifications.emailDeadAt),
        isNull(notifications.emailedAt),
        userId ? eq(notifications.userId, userId) : undefined,
      ),
    )
    .orderBy(desc(notifications.emailDeadAt), asc(notifications.createdAt));
  return rows.map((r) => ({ ...r, deadAt: r.deadAt ?? r.createdAt }));
}

/** Jobs waiting in the broker's dead-letter queue. */
export async function brokerDeadLetterCount(broker: BrokerDeadLetters): Promise<number> {
  const ok = await broker.connection.queueDeclare({ queue: broker.names.deadQueue, passive: true });
  return ok.messageCount;
}

/**
 * Sends dead-lettered emails again, now: clears their dead mark and attempts and writes one outbox
 * row per recipient, which the running worker's relay publishes (on the embedded store, the next
 * start does). With a broker, its dead-letter queue is drained too: each job there brings its
 * recipient's pending notifications back the same way, and is acked only after that commit.
 * Returns the recipients queued again.
 */
export async function replayDeadLetters(
  db: Db,
  options: { userId?: string; broker?: BrokerDeadLetters } = {},
): Promise<{ recipients: number; notifications: number; brokerJobs: number }> {
  const fromBroker: { userId: string; ack: () => void; nack: () => void }[] = [];
  if (options.broker) {
    const { connection, names } = options.broker;
    const channel = await connection.acquire();
    try {
      for (;;) {
        const message = await channel.basicGet({ queue: names.deadQueue });
        if (!message) break;
        const body: unknown =
          typeof message.body === 'string' || Buffer.isBuffer(message.body)
            ? JSON.parse(message.body.toString())
            : message.body;
        const userId =
          typeof body === 'object' && body !== null ? (body as { userId?: unknown }).userId : undefined;
        const tag = message.deliveryTag;
        if (typeof userId !== 'string' || (options.userId && userId !== options.userId)) {
          // Not ours to replay: back into the dead-letter queue.
          channel.basicNack({ deliveryTag: tag, requeue: true });
          continue;
        }
        fromBroker.push({
          userId,
          ack: () => channel.basicAck({ deliveryTag: tag }),
          nack: () => channel.basicNack({ deliveryTag: tag, requeue: true }),
        });
      }
      const result = await requeueInDatabase(db, options.userId, [
        ...new Set(fromBroker.map((m) => m.userId)),
      ]);
      for (const message of fromBroker) message.ack();
      return { ...result, brokerJobs: fromBroker.length };
    } catch (error) {
      for (const message of fromBroker) message.nack();
      throw error;
    } finally {
      await channel.close();
    }
  }
  return { ...(await requeueInDatabase(db, options.userId, [])), brokerJobs: 0 };
}

async function requeueInDatabase(db: Db, userId: string | undefined, brokerUsers: string[]) {
  return db.transaction(async (tx) => {
    const dead = and(
      isNotNull(notifications.emailDeadAt),
      userId ? eq(notifications.userId, userId) : undefined,
    );
    const fromBroker = brokerUsers.length
      ? and(inArray(notifications.userId, brokerUsers), isNull(notifications.readAt))
      : undefined;
    const revived = await tx
      .update(notifications)
      .set({ emailDeadAt: null, emailAttempts: 0, emailNextAt: null, emailClaimedAt: null })
      .where(and(isNull(notifications.emailedAt), or(dead, fromBroker)))
      .returning({ id: notifications.id, userId: notifications.userId, createdAt: notifications.createdAt });
    const firstOf = new Map<string, (typeof revived)[number]>();
    for (const row of revived) {
      const seen = firstOf.get(row.userId);
      if (!seen || row.createdAt < seen.createdAt) firstOf.set(row.userId, row);
    }
    if (firstOf.size > 0) {
      // Dated like the notification, so the relay publishes it without a new EMAIL_DELAY wait.
      await tx.insert(outbox).values(
        [...firstOf.values()].map((row) => ({
          topic: emailTopic,
          payload: { notificationId: row.id, userId: row.userId },
          createdAt: row.createdAt,
        })),
      );
    }
    return { recipients: firstOf.size, notifications: revived.length };
  });
}
