import { AppError } from '../services/errors.js';
import { rateLimited } from '../metrics/security.js';

/**
 * A token bucket of replayed events that refills its whole capacity in a minute. Unlike a frame
 * limiter it grants part of a request: a replay page shrinks to what is left.
 */
export class EventBucket {
  private tokens: number;
  private at: number;
  /** Until when a refused replay told its client to wait. */
  private refusedUntil = 0;

  constructor(
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.at) / 60_000) * this.capacity);
    this.at = t;
  }

  /** Whole events available now. */
  available(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  take(count: number): void {
    this.tokens -= count;
  }

  /** Gives back what was granted but not used (a page shorter than asked). */
  refund(count: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + count);
  }

  /** Replays are refused for `ms` from now (the wait a refusal announced). */
  refuseFor(ms: number): void {
    this.refusedUntil = Math.max(this.refusedUntil, this.now() + ms);
  }

  /** How much of the last refusal's wait is left. */
  refusedForMs(): number {
    return Math.max(0, this.refusedUntil - this.now());
  }

  /** How long until `count` events (at most the capacity) are available. */
  msUntil(count: number): number {
    this.refill();
    const missing = Math.min(count, this.capacity) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.capacity) * 60_000);
  }
}

/** A replay refused because a budget is spent; answered `rate_limited` with the wait. */
export class ReplayBudgetSpent extends AppError {
  constructor(readonly retryAfterMs: number) {
    super(429, 'rate_limited', 'too many events replayed; subscribe again from your last seq later');
  }
}

/**
 * Grants up to `wanted` events from every bucket at once (the socket's and its user's), or throws
 * `ReplayBudgetSpent` with the time until a page can be granted again. Only whole pages (`wanted`
 * up to `minimumPage`) are granted: a page of one event costs a query nearly as much as a full one,
 * so a client resubscribing as fast as the budget drips would make a query per event.
 */
export function grantReplay(buckets: EventBucket[], wanted: number, minimumPage: number): number {
  const page = Math.min(wanted, minimumPage);
  const granted = Math.min(wanted, ...buckets.map((b) => b.available()));
  if (granted < page) {
    rateLimited.inc({ limit: 'ws_replay' });
    for (const bucket of buckets) bucket.refuseFor(bucket.msUntil(page));
    throw new ReplayBudgetSpent(Math.max(1000, ...buckets.map((b) => b.msUntil(page))));
  }
  for (const bucket of buckets) bucket.take(granted);
  return granted;
}

/**
 * The refusal of a replay asked for while a budget still waits out its last refusal, or undefined.
 * Checked before the room gate: a client that ignores `retryAfterMs` costs no query.
 */
export function refusedReplay(buckets: EventBucket[]): ReplayBudgetSpent | undefined {
  const wait = Math.max(...buckets.map((b) => b.refusedForMs()));
  if (wait <= 0) return undefined;
  rateLimited.inc({ limit: 'ws_replay' });
  return new ReplayBudgetSpent(Math.max(1000, wait));
}

/** The replay buckets of the users of one instance; full ones are forgotten so the map stays small. */
export class UserReplayBudgets {
  private readonly buckets = new Map<string, EventBucket>();

  constructor(private readonly capacity: number) {}

  of(userId: string): EventBucket {
    let bucket = this.buckets.get(userId);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.prune();
      this.buckets.set(userId, (bucket = new EventBucket(this.capacity)));
    }
    return bucket;
  }

  private prune(): void {
    for (const [userId, bucket] of this.buckets) {
      if (bucket.available() >= bucket.capacity) this.buckets.delete(userId);
    }
  }
}
