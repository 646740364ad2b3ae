import { createFairPool } from '../ratelimit/fair-pool.js';
import type { FairPool } from '../ratelimit/fair-pool.js';
import { ReplayBudgetSpent } from './replay-budget.js';

/** Reads one user may have waiting for a turn: each stream has at most one, so ~sockets × rooms. */
export const maxWaitingReadsPerUser = 1_000;

/**
 * The replay and gap-fill reads of the whole instance, taking turns by user: `concurrency` at once
 * (one on the embedded store, whose queries run on the main thread), a free turn going to the user
 * served longest ago, and every turn starting with a yield to the event loop. So requests that
 * arrived meanwhile put their queries in the store's queue first, and one user's replays, however
 * many sockets and rooms they span, hold at most one page read ahead of anyone else's query.
 */
export class ReplayTurns {
  private readonly pool: FairPool;

  constructor(concurrency: number) {
    this.pool = createFairPool({
      concurrency,
      maxWaitingPerRequester: maxWaitingReadsPerUser,
      refuse: () => new ReplayBudgetSpent(1000),
    });
  }

  /** Runs `read` in `userId`'s turn, after one turn of the event loop. */
  run<T>(userId: string, read: () => Promise<T>): Promise<T> {
    return this.pool.run(userId, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return read();
    });
  }

  /** Reads running and waiting. */
  load(): { running: number; waiting: number } {
    return this.pool.load();
  }
}
