import type { Job, JobConsumer, JobHandler, JobQueue, RetryPolicy } from './job-queue.js';
import { defaultRetryPolicy, retryDelay } from './job-queue.js';

export interface MemoryQueue extends JobQueue {
  /** Jobs that failed every attempt: the embedded dead-letter queue. */
  readonly deadLetters: readonly Job[];
}

/**
 * The embedded queue: the same delay and retry rules as the broker, held in this process. A job
 * waiting here is lost if the process dies; the embedded mode is one process on one machine.
 */
export function createMemoryQueue(options: { retry?: RetryPolicy } = {}): MemoryQueue {
  const retry = options.retry ?? defaultRetryPolicy;
  const ready: Job[] = [];
  const dead: Job[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let handler: JobHandler | null = null;
  let concurrency = 1;
  let closed = false;

  const schedule = (job: Job, delayMs: number) => {
    if (delayMs <= 0) {
      ready.push(job);
      pump();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(job);
      pump();
    }, delayMs);
    timers.add(timer);
  };

  const run = async (job: Job, work: JobHandler) => {
    try {
      await work(job);
    } catch {
      if (job.attempt >= retry.maxAttempts) dead.push(job);
      else if (!closed) schedule({ ...job, attempt: job.attempt + 1 }, retryDelay(retry, job.attempt + 1));
    }
  };

  function pump() {
    while (handler && !closed && running.size < concurrency && ready.length > 0) {
      const job = ready.shift() as Job;
      const task = run(job, handler).finally(() => {
        running.delete(task);
        pump();
      });
      running.add(task);
    }
  }

  return {
    kind: 'memory',
    retry,
    deadLetters: dead,
    async publish(payload, publishOptions = {}) {
      if (closed) throw new Error('job queue is closed');
      schedule({ payload, attempt: 1 }, publishOptions.delayMs ?? 0);
    },
    consume(work, consumeOptions = {}): JobConsumer {
      handler = work;
      concurrency = consumeOptions.concurrency ?? 4;
      pump();
      return {
        consuming: () => handler !== null && !closed,
        async close() {
          handler = null;
          await Promise.all([...running]);
        },
      };
    },
    async check() {
      return 'embedded';
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
