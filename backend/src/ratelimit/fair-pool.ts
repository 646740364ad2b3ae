/** Bounded, fair execution of work one requester could hog (argon2, replay reads): see createFairPool. */
export interface FairPool {
  /** Runs `task` when a slot is free and it is `requester`'s turn; `refuse()` past the requester's queue. */
  run<T>(requester: string, task: () => Promise<T>): Promise<T>;
  /** Tasks running and waiting, for metrics and tests. */
  load(): { running: number; waiting: number };
}

export interface FairPoolOptions {
  /** Tasks running at once: the cores argon2 may take (each verification is single-threaded). */
  concurrency: number;
  /** Tasks one requester may have waiting; one more is refused with `refuse()`. */
  maxWaitingPerRequester: number;
  /** The error a task past its requester's queue is rejected with (a 429). */
  refuse: () => Error;
}

interface Job {
  start(): void;
}

/**
 * A work queue with `concurrency` slots and fair queueing by requester: a free slot goes to the
 * waiting requester with the fewest tasks running, and among equals to the one served longest ago. A user
 * with 16 verifications in flight holds at most the slots nobody else asks for, so another user's
 * login waits for at most the one task ahead of it in a slot, not for the 16.
 */
export function createFairPool(options: FairPoolOptions): FairPool {
  const waiting = new Map<string, Job[]>();
  const running = new Map<string, number>();
  /** When each requester with work running or waiting was last given a slot. */
  const served = new Map<string, number>();
  let turn = 0;
  let active = 0;
  let queued = 0;

  const runningOf = (requester: string) => running.get(requester) ?? 0;
  const servedOf = (requester: string) => served.get(requester) ?? -1;
  const before = (a: string, b: string) =>
    runningOf(a) < runningOf(b) || (runningOf(a) === runningOf(b) && servedOf(a) < servedOf(b));

  function dispatch() {
    while (active < options.concurrency && queued > 0) {
      let chosen: string | undefined;
      for (const requester of waiting.keys()) {
        if (chosen === undefined || before(requester, chosen)) chosen = requester;
      }
      if (chosen === undefined) return;
      const jobs = waiting.get(chosen) as Job[];
      const job = jobs.shift() as Job;
      if (jobs.length === 0) waiting.delete(chosen);
      served.set(chosen, turn);
      turn += 1;
      queued -= 1;
      active += 1;
      running.set(chosen, runningOf(chosen) + 1);
      job.start();
    }
  }

  function finished(requester: string) {
    active -= 1;
    const left = runningOf(requester) - 1;
    if (left > 0) running.set(requester, left);
    else running.delete(requester);
    if (left <= 0 && !waiting.has(requester)) served.delete(requester);
    dispatch();
  }

  return {
    run<T>(requester: string, task: () => Promise<T>): Promise<T> {
      const jobs = waiting.get(requester) ?? [];
      if (jobs.length >= options.maxWaitingPerRequester) {
        return Promise.reject(options.refuse());
      }
      return new Promise<T>((resolve, reject) => {
        jobs.push({
          start() {
            // The slot is free before the caller hears the result.
            Promise.resolve()
              .then(task)
              .then(
                (value) => {
                  finished(requester);
                  resolve(value);
                },
                (error: unknown) => {
                  finished(requester);
                  reject(error);
                },
              );
          },
        });
        if (!waiting.has(requester)) waiting.set(requester, jobs);
        queued += 1;
        dispatch();
      });
    },
    load: () => ({ running: active, waiting: queued }),
  };
}
