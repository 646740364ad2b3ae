import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Job } from '../src/queue/job-queue.js';
import { createTestQueue } from './support/job-queues.js';
import type { TestQueue } from './support/job-queues.js';
import { eventually } from './support/eventually.js';

const opened: TestQueue[] = [];
function openQueue() {
  const q = createTestQueue();
  opened.push(q);
  return q;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.destroy()));
});

/** Collects deliveries and lets a test await a number of them. */
function recorder() {
  const jobs: (Job & { at: number })[] = [];
  let wake: (() => void) | null = null;
  return {
    jobs,
    record(job: Job) {
      jobs.push({ ...job, at: Date.now() });
      wake?.();
    },
    async until(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (jobs.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} deliveries, got ${jobs.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

describe('job queue', () => {
  it('delivers a published job once, as attempt 1, with its payload', async () => {
    const { queue } = openQueue();
    const seen = recorder();
    const consumer = queue.consume(async (job) => seen.record(job));
    const id = randomUUID();
    await queue.publish({ id });
    await seen.until(1);
    expect(seen.jobs[0]).toMatchObject({ payload: { id }, attempt: 1 });
    await consumer.close();
    expect(seen.jobs).toHaveLength(1);
  });

  it('holds a delayed job back until its delay has passed', async () => {
    const { queue } = openQueue();
    const seen = recorder();
    queue.consume(async (job) => seen.record(job));
    const publishedAt = Date.now();
    await queue.publish({ id: randomUUID() }, { delayMs: 400 });
    await seen.until(1);
    expect((seen.jobs[0]?.at ?? 0) - publishedAt).toBeGreaterThanOrEqual(390);
  });

  it('retries a failing job with back-off and delivers the attempt number', async () => {
    const { queue, deadLetters } = openQueue();
    const seen = recorder();
    queue.consume(async (job) => {
      seen.record(job);
      if (job.attempt < 3) throw new Error('transient');
    });
    await queue.publish({ id: randomUUID() });
    await seen.until(3);
    expect(seen.jobs.map((j) => j.attempt)).toEqual([1, 2, 3]);
    // Back-off: 20 ms before attempt 2, 40 ms before attempt 3.
    const [a, b, c] = seen.jobs.map((j) => j.at);
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(15);
    expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(35);
    expect(await deadLetters()).toBe(0);
  });

  it('dead-letters a poison job after exactly 5 attempts', async () => {
    const { queue, deadLetters } = openQueue();
    const seen = recorder();
    queue.consume(async (job) => {
      seen.record(job);
      throw new Error('poison');
    });
    await queue.publish({ id: randomUUID() });
    await seen.until(5);
    await eventually(async () => (await deadLetters()) === 1, 'the dead letter');
    expect(seen.jobs.map((j) => j.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs at most `concurrency` jobs at once and all of them eventually', async () => {
    const { queue } = openQueue();
    const seen = recorder();
    let running = 0;
    let peak = 0;
    queue.consume(
      async (job) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        seen.record(job);
      },
      { concurrency: 3 },
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => queue.publish({ i })));
    await seen.until(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(new Set(seen.jobs.map((j) => j.payload.i)).size).toBe(30);
  });
});
