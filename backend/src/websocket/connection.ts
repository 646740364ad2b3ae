import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ErrorCode, Profile, ServerFrame, User } from '@messaging-app/shared';
import type { RateLimits } from '../ratelimit/settings.js';
import { createFrameLimiter } from '../ratelimit/limiter.js';
import type { RoomStream } from './room-stream.js';
import type { GatewayOptions } from './options.js';

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

  constructor(
    readonly socket: WebSocket,
    private readonly options: GatewayOptions,
    limits: RateLimits,
  ) {
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

  close(code: number, reason: string): void {
    for (const stream of this.streams.values()) stream.close();
    if (this.socket.readyState === this.socket.CONNECTING || this.open) this.socket.close(code, reason);
  }
}
