import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ErrorCode, Profile, ServerFrame, User } from '@messaging-app/shared';
import type { RateLimits } from '../ratelimit/settings.js';
import { createFrameLimiter } from '../ratelimit/limiter.js';
import type { RoomStream } from './room-stream.js';
import type { GatewayOptions } from './options.js';
import { EventBucket } from './replay-budget.js';

export interface Identity {
  userId: string;
  sessionId: string;
  profile: Profile;
  user: User;
}

/** One socket: who it is (once authenticated), the rooms it follows, and its output. */
export class Connection {
  /** Unique to this socket: its presence entry's name. */
  readonly id = randomUUID();
  identity: Identity | undefined;
  readonly streams = new Map<string, RoomStream>();
  readonly frames: { allow(): boolean };
  /** Set by a pong; the heartbeat terminates a socket that stays silent for a whole interval. */
  alive = true;
  /** Frames are handled one after another, so a client's sends commit in the order it sent them. */
  queue: Promise<void> = Promise.resolve();
  /** Frames read and not handled yet. */
  queuedFrames = 0;
  /**
   * Set once the socket has closed and the hub has forgotten it: frames still queued are dropped,
   * and nothing may attach it to a room or a user again.
   */
  removed = false;
  /** Stored events this socket may still have replayed (subscribe with `afterSeq`). */
  readonly replayBudget: EventBucket;

  constructor(
    readonly socket: WebSocket,
    private readonly options: GatewayOptions,
    limits: RateLimits,
    /** The client's address (after trusted proxies), for the per-address cap. */
    readonly address: string,
  ) {
    this.replayBudget = new EventBucket(limits.wsReplayPerSocket);
    this.frames = createFrameLimiter({
      ...limits,
      wsFrameBurst: options.frameBurst ?? limits.wsFrameBurst,
      wsFramesPerSecond: options.frameRatePerSecond ?? limits.wsFramesPerSecond,
    });
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends an already serialised frame. A reader too slow to drain its output is let go. */
  sendText(text: string | Buffer): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(1013, 'too slow: reconnect and resume from your last seq');
      return;
    }
    // A Buffer is encoded once for all sockets; `binary: false` still sends it as a text frame.
    this.socket.send(text, { binary: false });
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  error(code: ErrorCode, message: string, ref?: string): void {
    this.send(ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref });
  }

  /** This socket no longer follows `roomId` because of a failure; with `retryAfterMs` it may subscribe again. */
  roomError(code: ErrorCode, message: string, roomId: string, retryAfterMs?: number): void {
    this.send({ type: 'error', code, message, ref: roomId, roomId, retryAfterMs });
  }

  close(code: number, reason: string): void {
    for (const stream of this.streams.values()) stream.close();
    if (this.socket.readyState === this.socket.CONNECTING || this.open) this.socket.close(code, reason);
  }
}
