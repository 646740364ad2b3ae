import type { Logger } from 'pino';
import type { ErrorCode } from '@messaging-app/shared';
import { AppError } from '../services/errors.js';
import { metrics } from '../metrics/metrics.js';
import type { Connection } from './connection.js';

/** Where a failure entered the gateway: the label of `ws_failures_total`. */
export type Entry = 'frame' | 'send' | 'replay' | 'bus' | 'timer' | 'presence' | 'close';

/**
 * The one error boundary of the gateway. Every socket frame, every ack, every replay, every bus
 * callback and every timer runs through it: an expected failure (an `AppError`) is answered with
 * its error frame; anything else is logged, counted in `ws_failures_total{entry}` and answered
 * `internal`. Nothing that runs here can reject into the process.
 */
export class Boundary {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /**
   * The error frame for a failure. A room the user may not see answers `forbidden` like a room
   * they may see but not enter, so a socket cannot probe which private rooms exist.
   */
  answer(connection: Connection | undefined, entry: Entry, error: unknown, ref?: string): void {
    if (error instanceof AppError) {
      const code: ErrorCode = error.code === 'not_found' ? 'forbidden' : error.code;
      const message = error.code === 'not_found' ? 'not a member of this room' : error.message;
      connection?.error(code, message, ref);
      return;
    }
    this.fail(entry, error, ref);
    connection?.error('internal', 'something went wrong on our side', ref);
  }

  /** Logs and counts an unexpected failure that has nobody to answer. */
  fail(entry: Entry, error: unknown, ref?: string): void {
    metrics.wsFailures.inc({ entry });
    this.log.error({ err: error, entry, ref }, 'websocket gateway failure');
  }

  /** Runs `work` now; a failure is answered on `connection`. The returned promise never rejects. */
  async run(
    connection: Connection | undefined,
    entry: Entry,
    ref: string | undefined,
    work: () => Promise<void> | void,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.answer(connection, entry, error, ref);
    }
  }

  /** The same in the background: tracked, so `drain` can wait for it at shutdown. */
  spawn(
    connection: Connection | undefined,
    entry: Entry,
    ref: string | undefined,
    work: () => Promise<void> | void,
  ): Promise<void> {
    const running = this.run(connection, entry, ref, work);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /** A synchronous callback (a bus listener, a timer, a socket event): failures logged and counted. */
  guard<A extends unknown[]>(entry: Entry, callback: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        callback(...args);
      } catch (error) {
        this.fail(entry, error);
      }
    };
  }

  /** Background work still running. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Waits until no background work is left, including work started while waiting. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
