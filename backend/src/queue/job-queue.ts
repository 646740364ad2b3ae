/** One unit of background work, as the worker receives it. */
export interface Job {
  payload: Record<string, unknown>;
  /** 1 on the first delivery; a retry after a failure carries the next number. */
  attempt: number;
}

/** Resolving acknowledges the job; throwing schedules a retry, and after the last attempt a dead letter. */
export type JobHandler = (job: Job) => Promise<void>;

export interface JobConsumer {
  /** True while jobs can reach the handler (on RabbitMQ: the broker registered the consumer). */
  consuming(): boolean;
  /** Stops taking jobs and waits for the running ones; jobs not yet started go back to the queue. */
  close(): Promise<void>;
}

export interface PublishOptions {
  /** The job becomes eligible this many milliseconds from now. */
  delayMs?: number;
}

/** How failures are retried: the same rules for the broker and the in-process queue. */
export interface RetryPolicy {
  /** Deliveries before a job is dead-lettered. */
  maxAttempts: number;
  /** The wait after the first failure; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 12 attempts, 5 s doubling up to an hour: about 2.4 hours before a job is dead-lettered. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
};

/** The wait before delivering attempt `next` (2, 3, …) after a failure. */
export function retryDelay(policy: RetryPolicy, next: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, next - 2));
}

/** The email job queue: RabbitMQ with RABBITMQ_URL, in-process otherwise. */
export interface JobQueue {
  readonly kind: 'rabbitmq' | 'memory';
  /** How failed jobs are retried here: a handler uses it to tell a retry from the last attempt. */
  readonly retry: RetryPolicy;
  /** Resolves only once the job is safe: confirmed by the broker, or held by the in-process queue. */
  publish(payload: Record<string, unknown>, options?: PublishOptions): Promise<void>;
  /** Starts handling jobs with at most `concurrency` at once. */
  consume(handler: JobHandler, options?: { concurrency?: number }): JobConsumer;
  check(): Promise<'up' | 'down' | 'embedded'>;
  close(): Promise<void>;
}
