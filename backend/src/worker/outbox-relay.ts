import { and, asc, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { JobQueue } from '../queue/job-queue.js';
import { emailTopic } from '../services/notifications/create.js';
import { accountMailTopic } from '../services/account-mail.js';
import { onOutboxDoorbell } from '../services/notifications/outbox-doorbell.js';

export interface OutboxRelayOptions {
  /** How long after its notification an email job becomes eligible (EMAIL_DELAY). */
  emailDelayMs: number;
  /** Polling interval when idle; a commit in this process wakes the relay sooner. */
  pollMs?: number;
  batchSize?: number;
  /** Back-off while the broker refuses: doubles from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface OutboxRelay {
  stop(): Promise<void>;
}

interface BatchResult {
  published: number;
  failed: number;
}

/**
 * Publishes one batch of due outbox rows. The rows stay locked (`FOR UPDATE SKIP LOCKED`, so
 * replicas take disjoint batches) until the broker confirmed them and they are marked sent in the
 * same transaction. A crash after the confirm and before the commit publishes them again: a
 * duplicate job, which the worker's `emailed_at` check absorbs; never a lost one.
 */
async function relayBatch(
  db: Db,
  queue: JobQueue,
  options: Required<OutboxRelayOptions>,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(
        and(
          inArray(outbox.topic, [emailTopic, accountMailTopic]),
          isNull(outbox.sentAt),
          lte(outbox.availableAt, sql`now()`),
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(options.batchSize)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return { published: 0, failed: 0 };
    const now = Date.now();
    const results = await Promise.allSettled(
      rows.map((row) =>
        queue.publish(row.payload, {
          // A notification waits EMAIL_DELAY for its reader; an account mail goes at once.
          delayMs: row.topic === emailTopic ? row.createdAt.getTime() + options.emailDelayMs - now : 0,
        }),
      ),
    );
    const sent = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((r) => r.id);
    const failed = rows.filter((_, i) => results[i]?.status === 'rejected');
    if (sent.length > 0) await tx.update(outbox).set({ sentAt: new Date() }).where(inArray(outbox.id, sent));
    if (failed.length > 0) {
      const first = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      const reason = first?.reason instanceof Error ? first.reason.message : String(first?.reason);
      await tx
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1`, lastError: reason.slice(0, 500) })
        .where(
          inArray(
            outbox.id,
            failed.map((r) => r.id),
          ),
        );
    }
    return { published: sent.length, failed: failed.length };
  });
}

/** Starts the relay loop: poll, publish with confirms, mark sent; back off while the broker is down. */
export function startOutboxRelay(
  db: Db,
  queue: JobQueue,
  log: Logger,
  given: OutboxRelayOptions,
): OutboxRelay {
  const options: Required<OutboxRelayOptions> = {
    pollMs: 250,
    batchSize: 200,
    minBackoffMs: 200,
    maxBackoffMs: 30_000,
    ...given,
  };
  let stopped = false;
  let backoff = options.minBackoffMs;
  let wake: (() => void) | null = null;
  let rung = false;
  let backingOff = false;
  const offDoorbell = onOutboxDoorbell(() => {
    rung = true;
    // A commit must not cut a back-off short: the broker (or database) is what we wait for.
    if (!backingOff) wake?.();
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if ((rung && !backingOff) || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const backOff = async () => {
    backingOff = true;
    await pause(backoff);
    backingOff = false;
    backoff = Math.min(options.maxBackoffMs, backoff * 2);
  };

  const loop = async () => {
    while (!stopped) {
      rung = false;
      let result: BatchResult;
      try {
        result = await relayBatch(db, queue, options);
      } catch (error) {
        log.warn({ err: error, retryInMs: backoff }, 'outbox relay failed; backing off');
        await backOff();
        continue;
      }
      if (result.failed > 0) {
        log.warn({ failed: result.failed, retryInMs: backoff }, 'broker refused outbox rows; backing off');
        await backOff();
        continue;
      }
      backoff = options.minBackoffMs;
      if (result.published === options.batchSize) continue;
      await pause(options.pollMs);
    }
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      offDoorbell();
      wake?.();
      await running;
    },
  };
}
