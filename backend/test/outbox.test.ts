import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { inArray, isNull } from 'drizzle-orm';
import pino from 'pino';
import { outbox } from '../src/db/schema.js';
import type { Job, JobQueue } from '../src/queue/job-queue.js';
import { createMemoryQueue } from '../src/queue/memory-queue.js';
import { createRabbitQueue } from '../src/queue/rabbitmq-queue.js';
import { emailTopic } from '../src/services/notifications/create.js';
import { ringOutboxDoorbell } from '../src/services/notifications/outbox-doorbell.js';
import { startOutboxRelay } from '../src/worker/outbox-relay.js';
import type { OutboxRelay } from '../src/worker/outbox-relay.js';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { createTestQueue, runPrefix } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';
import { testMode } from './support/services.js';
import { eventually } from './support/eventually.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(testMode);
});
afterAll(async () => {
  await database?.drop();
});

const relays: OutboxRelay[] = [];
const queues: TestQueue[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await Promise.all(queues.splice(0).map((q) => q.destroy()));
});

function relay(queue: JobQueue, options: Partial<Parameters<typeof startOutboxRelay>[3]> = {}) {
  const started = startOutboxRelay(database.database.db, queue, log, {
    emailDelayMs: 0,
    pollMs: 20,
    minBackoffMs: 20,
    ...options,
  });
  relays.push(started);
  return started;
}

function openQueue() {
  const q = createTestQueue();
  queues.push(q);
  return q;
}

async function insertRows(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await database.database.db
    .insert(outbox)
    .values(ids.map((id) => ({ topic: emailTopic, payload: { notificationId: id, userId: id } })));
  return ids;
}

async function pendingOf(ids: string[]) {
  const rows = await database.database.db.select().from(outbox).where(isNull(outbox.sentAt));
  return rows.filter((r) => ids.includes(String(r.payload.notificationId)));
}

/** Counts deliveries per notification id. */
function collect(queue: JobQueue) {
  const seen = new Map<string, number>();
  const at = new Map<string, number>();
  queue.consume(
    async (job: Job) => {
      const id = String(job.payload.notificationId);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      at.set(id, Date.now());
    },
    { concurrency: 8 },
  );
  return { seen, at };
}

describe('the outbox relay', () => {
  it('publishes due rows and marks them sent only after the queue took them', async () => {
    const { queue } = openQueue();
    const { seen } = collect(queue);
    const ids = await insertRows(25);
    relay(queue);
    await eventually(() => ids.every((id) => seen.has(id)), 'every row delivered');
    await eventually(async () => (await pendingOf(ids)).length === 0, 'every row marked sent');
    expect(ids.every((id) => seen.get(id) === 1)).toBe(true);
  });

  it('with two relays on one database, publishes each row exactly once', async () => {
    const { queue } = openQueue();
    const { seen } = collect(queue);
    const ids = await insertRows(300);
    relay(queue, { batchSize: 20 });
    relay(queue, { batchSize: 20 });
    await eventually(async () => (await pendingOf(ids)).length === 0, 'every row marked sent', 20_000);
    await eventually(() => ids.every((id) => seen.has(id)), 'every row delivered');
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(ids.filter((id) => seen.get(id) === 1)).toHaveLength(300);
  });

  it('keeps rows pending while the broker is unreachable, then sends them once it is back', async () => {
    const down: JobQueue =
      testMode === 'embedded'
        ? createMemoryQueue()
        : createRabbitQueue({
            url: 'amqp://guest:guest@127.0.0.1:1',
            log,
            prefix: runPrefix(),
            acquireTimeoutMs: 100,
          });
    // The embedded queue refuses once closed, as a dead broker refuses.
    if (testMode === 'embedded') await down.close();
    const ids = await insertRows(3);
    const failing = relay(down);
    await eventually(
      async () => (await pendingOf(ids)).every((r) => r.attempts >= 2 && (r.lastError ?? '') !== ''),
      'repeated failed attempts',
    );
    await failing.stop();
    if (testMode !== 'embedded') await down.close();
    const { queue } = openQueue();
    const { seen } = collect(queue);
    relay(queue);
    await eventually(() => ids.every((id) => seen.get(id) === 1), 'delivery after recovery');
    await eventually(async () => (await pendingOf(ids)).length === 0, 'rows marked sent');
  });

  it('makes a job eligible EMAIL_DELAY after its row was created', async () => {
    const { queue } = openQueue();
    const { at } = collect(queue);
    const [id] = await insertRows(1);
    const [row] = await database.database.db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          (await pendingOf([id ?? ''])).map((r) => r.id),
        ),
      );
    relay(queue, { emailDelayMs: 400 });
    await eventually(() => at.has(id ?? ''), 'the delayed delivery');
    expect((at.get(id ?? '') ?? 0) - (row?.createdAt.getTime() ?? 0)).toBeGreaterThanOrEqual(390);
  });

  it('wakes at once when a commit in this process rings the doorbell', async () => {
    const { queue } = openQueue();
    const { seen } = collect(queue);
    // Polling alone would take a minute: only the doorbell can deliver these within 3 s.
    relay(queue, { pollMs: 60_000 });
    for (let round = 0; round < 2; round += 1) {
      const [id] = await insertRows(1);
      ringOutboxDoorbell();
      await eventually(() => seen.has(id ?? ''), `delivery after doorbell ${round + 1}`, 3_000);
    }
  });
});
