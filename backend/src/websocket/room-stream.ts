import type { RoomEventFrame } from '@messaging-app/shared';

/** Reads stored events after a seq, in order (PostgreSQL: `eventsAfter`). */
export type EventSource = (afterSeq: number, limit: number) => Promise<RoomEventFrame[]>;

interface Pending {
  seq: number;
  /** The serialised frame; absent for a "catch up through seq" marker (after a bus outage). */
  text?: Buffer;
}

/** Live events a stream holds while it replays; beyond this it keeps one "read through seq" marker. */
export const maxPending = 1_000;
/**
 * Doorbells of one room can arrive slightly out of order (two commits publish concurrently). A gap
 * is given this long to close by itself before it is read from the database, so a reordering
 * costs no query; only a doorbell that is really lost does.
 */
export const gapWaitMs = 100;

/**
 * One room as one socket sees it: delivers each seq exactly once and in order. Live events come
 * from the bus (which may drop or reorder); a duplicate (seq <= lastSeq) is dropped, a gap is
 * filled from the database before anything after it is sent. Until `start` has replayed the
 * history, live events wait in `pending`, so the hand-over has neither gap nor duplicate.
 */
export class RoomStream {
  lastSeq = 0;
  private live = false;
  private pumping = false;
  private closed = false;
  private pending: Pending[] = [];
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly roomId: string,
    private readonly send: (text: string | Buffer) => void,
    private readonly source: EventSource,
    private readonly fail: (error: unknown) => void,
    private readonly pageSize = 100,
  ) {}

  /**
   * Replays the events after `afterSeq` through `through` from `replay` (a source that may charge
   * a budget), calls `onLive`, then delivers live events. Rejects if the replay fails; the caller
   * detaches the stream.
   */
  async start(afterSeq: number, through: number, onLive: () => void, replay = this.source): Promise<void> {
    this.lastSeq = afterSeq;
    await this.fill(through, replay);
    if (this.closed) return;
    onLive();
    this.live = true;
    await this.pump();
  }

  /** A live event from the bus, serialised once for every socket of this instance. */
  offer(seq: number, text: Buffer): void {
    if (this.closed) return;
    if (this.live && !this.pumping && this.pending.length === 0) {
      if (seq <= this.lastSeq) return;
      if (seq === this.lastSeq + 1) {
        this.lastSeq = seq;
        this.send(text);
        return;
      }
    }
    this.hold({ seq, text });
    if (this.live) void this.pump();
  }

  /**
   * Live events wait here while a replay or gap fill runs. Past `maxPending` they are dropped for
   * one marker "read through the highest seq": memory stays bounded and the store has them all.
   */
  private hold(entry: Pending): void {
    this.pending.push(entry);
    if (this.pending.length <= maxPending) return;
    const through = Math.max(...this.pending.map((p) => p.seq));
    this.pending = [{ seq: through }];
  }

  /** The room is known to have reached `seq` (the bus may have dropped its doorbells): catch up. */
  catchUp(seq: number): void {
    if (this.closed || seq <= this.lastSeq) return;
    this.hold({ seq });
    if (this.live) void this.pump();
  }

  /** Stops delivery at once; a replay in flight sends nothing more. */
  close(): void {
    this.closed = true;
    this.pending = [];
    clearTimeout(this.gapTimer);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async pump(gapWaited = false): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.pending.length > 0 && !this.closed) {
        this.pending.sort((a, b) => a.seq - b.seq);
        const next = this.pending[0] as Pending;
        if (next.seq <= this.lastSeq) {
          this.pending.shift();
        } else if (next.seq === this.lastSeq + 1 && next.text !== undefined) {
          this.pending.shift();
          this.lastSeq = next.seq;
          this.send(next.text);
        } else if (next.text !== undefined && !gapWaited) {
          // Later events wait with it; the missing one usually arrives within a millisecond.
          this.gapTimer ??= setTimeout(() => {
            this.gapTimer = undefined;
            void this.pump(true);
          }, gapWaitMs);
          return;
        } else {
          await this.fill(next.text === undefined ? next.seq : next.seq - 1);
        }
      }
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } catch (error) {
      this.fail(error);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Sends the stored events after lastSeq through `through`, a page at a time, yielding to other
   * work between pages: on the embedded store queries run on this thread, so a long replay must not
   * hold everyone else's requests behind it.
   */
  private async fill(through: number, source = this.source): Promise<void> {
    let first = true;
    while (this.lastSeq < through && !this.closed) {
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      first = false;
      if (this.closed) return;
      const frames = await source(this.lastSeq, Math.min(this.pageSize, through - this.lastSeq));
      if (this.closed) return;
      const head = frames[0];
      // Events are committed before their doorbell rings, so a known seq is always readable.
      if (!head || head.seq !== this.lastSeq + 1) {
        throw new Error(`room ${this.roomId}: events after ${this.lastSeq} missing from the store`);
      }
      for (const frame of frames) {
        this.lastSeq = frame.seq;
        this.send(JSON.stringify(frame));
      }
    }
  }
}
