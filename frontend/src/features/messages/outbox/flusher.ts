import type { Message } from '@messaging-app/shared';
import type { OutboxEntry, OutboxStore } from './entry';
import { refusalOf } from './refusal';

export interface FlusherOptions {
  store: OutboxStore;
  /** This tab: the lease names it. */
  owner: string;
  /** Sends one message; the signal aborts it before the lease could run out. */
  deliver(entry: OutboxEntry, signal: AbortSignal): Promise<Message>;
  /** The server stored it (201) or already had it (200): the entry is gone from the outbox. */
  onDelivered(entry: OutboxEntry, message: Message): void;
  leaseMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

/**
 * Sends the outbox, oldest first, one message at a time, under a lease that only one tab of the user
 * holds: two tabs never send the same message, and each message goes after the ones typed before it.
 * A message leaves the outbox only once the server has it; a permanent refusal marks it failed and the
 * rest go on; anything else (no connection, 5xx, 429) stops the flush and tries again with backoff, or
 * at once when `flush()` is called (the socket is back, a new message was typed).
 */
export class OutboxFlusher {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(private readonly options: FlusherOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  /** Sends what is pending now; resolves when this flush stops (sent everything, or must wait). */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.clearTimer();
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops for good (sign-out, unmount) and hands the lease to another tab. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running?.catch(() => undefined);
    await this.options.store.release(this.options.owner);
  }

  /** The delay before retry `n` (0-based): exponential, capped, with equal jitter. */
  backoffDelay(n: number): number {
    const base = this.options.baseDelayMs ?? 1000;
    const ceiling = Math.min(this.options.maxDelayMs ?? 30_000, base * 2 ** n);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async drain(): Promise<void> {
    const { store, owner } = this.options;
    while (!this.stopped) {
      const claim = await store.claimNext(owner, this.leaseMs, this.now());
      if (claim.kind === 'empty') {
        this.attempt = 0;
        await store.release(owner);
        return;
      }
      if (claim.kind === 'busy') {
        // Another tab is sending (it takes what we queued too); look again should its lease lapse.
        this.schedule(Math.max(0, claim.until - this.now()) + 100);
        return;
      }
      const { entry } = claim;
      const abort = new AbortController();
      const deadline = setTimeout(() => abort.abort(), (this.leaseMs * 2) / 3);
      try {
        const message = await this.options.deliver(entry, abort.signal);
        await store.remove(entry.clientMsgId);
        this.attempt = 0;
        this.options.onDelivered(entry, message);
      } catch (error) {
        const reason = refusalOf(error);
        if (reason !== null) {
          await store.update(entry.clientMsgId, { state: 'failed', error: reason });
          continue;
        }
        console.warn('message queued, the server could not take it yet', error);
        await store.release(owner);
        this.schedule(this.backoffDelay(this.attempt));
        this.attempt += 1;
        return;
      } finally {
        clearTimeout(deadline);
      }
    }
  }

  private schedule(delayMs: number) {
    if (this.stopped) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
