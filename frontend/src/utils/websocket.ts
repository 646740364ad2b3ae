import { CloseCode } from '@messaging-app/shared';
import type { ClientFrame, RoomEventFrame, ServerFrame } from '@messaging-app/shared';

/** What the client needs of a WebSocket; the browser's satisfies it, tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface SocketClientOptions {
  url: string;
  getToken: () => string | null;
  /** Called when the server rejects the token (4401); resolves whether a fresh token is available. */
  refreshToken: () => Promise<boolean>;
  /** The session was revoked (logout elsewhere): stop for good. */
  onSessionEnded: () => void;
  /** Missed messages after `afterSeq`, from the history endpoint, when the live stream skipped seqs. */
  fillGap: (roomId: string, afterSeq: number) => Promise<RoomEventFrame[]>;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A socket that has heard nothing for this long is presumed dead. */
  idleTimeoutMs?: number;
}

type FrameListener = (frame: ServerFrame) => void;
type StatusListener = (status: SocketStatus) => void;

const OPEN = 1;

function isRoomEvent(frame: ServerFrame): frame is RoomEventFrame {
  return 'seq' in frame && 'roomId' in frame;
}

/**
 * One socket per tab carrying every room: authenticates, reconnects with exponential backoff and jitter,
 * resubscribes each room from the last seq it holds, and fills any gap in seqs from the history endpoint.
 */
export class SocketClient {
  private socket: SocketLike | null = null;
  private statusValue: SocketStatus = 'stopped';
  private attempt = 0;
  private ready = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly rooms = new Set<string>();
  private readonly lastSeq = new Map<string, number>();
  /** Rooms whose `subscribe` has not been answered with `subscribed` yet, and their failed tries. */
  private readonly unanswered = new Map<string, number>();
  private readonly resubscribeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Gap fills waiting to be tried again, and their rooms. */
  private readonly gapRetries = new Map<ReturnType<typeof setTimeout>, string>();
  private readonly frameListeners = new Set<FrameListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly createSocket: (url: string) => SocketLike;

  constructor(private readonly options: SocketClientOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
  }

  get status(): SocketStatus {
    return this.statusValue;
  }

  start(): void {
    if (this.statusValue !== 'stopped') return;
    this.setStatus('connecting');
    this.connect();
  }

  stop(): void {
    this.clearTimers();
    for (const timer of this.gapRetries.keys()) clearTimeout(timer);
    this.gapRetries.clear();
    this.setStatus('stopped');
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onopen = null;
      socket.close(CloseCode.normal, 'client stopped');
    }
  }

  /** Follows a room from `afterSeq`, unless this client already holds a seq for it. */
  subscribe(roomId: string, afterSeq?: number): void {
    if (this.rooms.has(roomId)) return;
    this.rooms.add(roomId);
    // Only a seq this client has not seen yet: moving a held seq forward would drop the events in between.
    if (afterSeq !== undefined && !this.lastSeq.has(roomId)) this.lastSeq.set(roomId, afterSeq);
    if (this.ready) this.sendSubscribe(roomId);
  }

  unsubscribe(roomId: string): void {
    if (!this.rooms.delete(roomId)) return;
    this.lastSeq.delete(roomId);
    this.unanswered.delete(roomId);
    this.clearResubscribe(roomId);
    for (const [timer, room] of this.gapRetries)
      if (room === roomId) {
        clearTimeout(timer);
        this.gapRetries.delete(timer);
      }
    if (this.ready) this.send({ type: 'unsubscribe', roomId });
  }

  /** The last seq seen for a room, if any. */
  seqOf(roomId: string): number | undefined {
    return this.lastSeq.get(roomId);
  }

  /** Sends a frame if the socket is authenticated; returns whether it went out. */
  send(frame: ClientFrame): boolean {
    if (!this.socket || !this.ready || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Reconnect at once (the browser came back online). */
  reconnectNow(): void {
    if (this.statusValue === 'stopped' || this.statusValue === 'open') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.socket) this.connect();
  }

  /** The delay before reconnect attempt `n` (0-based): exponential, capped, with equal jitter. */
  backoffDelay(n: number): number {
    const base = this.options.baseDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 15_000;
    const ceiling = Math.min(max, base * 2 ** n);
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  private setStatus(status: SocketStatus) {
    if (status === this.statusValue) return;
    this.statusValue = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private emit(frame: ServerFrame) {
    for (const listener of this.frameListeners) listener(frame);
  }

  private connect() {
    const token = this.options.getToken();
    if (!token) {
      this.stop();
      this.options.onSessionEnded();
      return;
    }
    const socket = this.createSocket(this.options.url);
    this.socket = socket;
    this.ready = false;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'auth', token: this.options.getToken() ?? token }));
      this.touch();
    };
    socket.onmessage = (event) => {
      this.touch();
      if (typeof event.data !== 'string') return;
      this.handle(JSON.parse(event.data) as ServerFrame);
    };
    socket.onerror = () => {
      // The close event that always follows carries the code; reconnect is decided there.
    };
    socket.onclose = (event) => this.handleClose(socket, event.code);
  }

  private handle(frame: ServerFrame) {
    switch (frame.type) {
      case 'ready':
        this.ready = true;
        this.attempt = 0;
        this.setStatus('open');
        for (const roomId of this.rooms) this.sendSubscribe(roomId);
        this.startPings();
        this.emit(frame);
        return;
      case 'subscribed': {
        this.unanswered.delete(frame.roomId);
        const held = this.lastSeq.get(frame.roomId);
        if (held === undefined || frame.lastSeq > held) this.lastSeq.set(frame.roomId, frame.lastSeq);
        this.emit(frame);
        return;
      }
      case 'resync_required':
        this.unanswered.delete(frame.roomId);
        this.lastSeq.set(frame.roomId, frame.lastSeq);
        this.emit(frame);
        return;
      case 'error': {
        // `roomId` says the socket is no longer subscribed to that room (older servers only answered a
        // subscribe with `ref`): either way the room is asked for again, unless refused.
        const lost =
          frame.roomId ?? (frame.ref !== undefined && this.unanswered.has(frame.ref) ? frame.ref : null);
        if (lost !== null && this.rooms.has(lost)) this.subscribeFailed(lost, frame.code, frame.retryAfterMs);
        this.emit(frame);
        return;
      }
      default:
        if (isRoomEvent(frame)) this.handleRoomEvent(frame);
        else this.emit(frame);
    }
  }

  private handleRoomEvent(frame: RoomEventFrame) {
    if (!this.rooms.has(frame.roomId)) return;
    const held = this.lastSeq.get(frame.roomId);
    if (held !== undefined && frame.seq <= held) return; // a replayed duplicate
    this.lastSeq.set(frame.roomId, frame.seq);
    // The doorbell may drop; what we missed is in PostgreSQL.
    if (held !== undefined && frame.seq > held + 1) this.fillGap(frame.roomId, held, frame.seq, 0);
    this.emit(frame);
  }

  /**
   * Fetches the events between `afterSeq` and `beforeSeq`. The seq held has already moved past them, so
   * no resubscribe would ask for them again: a failed fetch (the server is away) is retried with backoff
   * for as long as the room is followed.
   */
  private fillGap(roomId: string, afterSeq: number, beforeSeq: number, failures: number) {
    void this.options.fillGap(roomId, afterSeq).then(
      (missed) => {
        if (!this.rooms.has(roomId)) return;
        for (const event of missed) if (event.seq < beforeSeq) this.emit(event);
      },
      (error: unknown) => {
        if (!this.rooms.has(roomId) || this.statusValue === 'stopped') return;
        console.warn(`could not fill a gap in room ${roomId} yet; trying again`, error);
        const timer = setTimeout(() => {
          this.gapRetries.delete(timer);
          this.fillGap(roomId, afterSeq, beforeSeq, failures + 1);
        }, this.backoffDelay(failures));
        this.gapRetries.set(timer, roomId);
      },
    );
  }

  private handleClose(socket: SocketLike, code: number) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.ready = false;
    this.clearTimers();
    if (this.statusValue === 'stopped') return;
    if (code === CloseCode.sessionRevoked) {
      this.stop();
      this.options.onSessionEnded();
      return;
    }
    this.setStatus('reconnecting');
    if (code === CloseCode.unauthorized) {
      void this.options.refreshToken().then(
        (fresh) => {
          if (!fresh) {
            this.stop();
            this.options.onSessionEnded();
          } else this.scheduleReconnect();
        },
        () => this.scheduleReconnect(),
      );
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.statusValue === 'stopped') return;
    const delay = this.backoffDelay(this.attempt);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  /**
   * The server could not start (or keep) the room's stream, e.g. its replay failed: ask again from the
   * last seq held, after the server's `retryAfterMs` or our own backoff, rather than sit on a room that
   * never goes live. A refusal is final.
   */
  private subscribeFailed(roomId: string, code: string, retryAfterMs: number | undefined) {
    if (code === 'forbidden' || code === 'not_found') {
      this.unanswered.delete(roomId);
      return;
    }
    const failures = this.unanswered.get(roomId) ?? 0;
    this.unanswered.set(roomId, failures + 1);
    this.clearResubscribe(roomId);
    this.resubscribeTimers.set(
      roomId,
      setTimeout(
        () => {
          this.resubscribeTimers.delete(roomId);
          if (this.ready && this.rooms.has(roomId)) this.sendSubscribe(roomId);
        },
        Math.max(retryAfterMs ?? 0, this.backoffDelay(failures)),
      ),
    );
  }

  private clearResubscribe(roomId: string) {
    const timer = this.resubscribeTimers.get(roomId);
    if (timer) clearTimeout(timer);
    this.resubscribeTimers.delete(roomId);
  }

  private sendSubscribe(roomId: string) {
    if (!this.unanswered.has(roomId)) this.unanswered.set(roomId, 0);
    const afterSeq = this.lastSeq.get(roomId);
    this.send(
      afterSeq === undefined ? { type: 'subscribe', roomId } : { type: 'subscribe', roomId, afterSeq },
    );
  }

  private startPings() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.send({ type: 'ping' }), 25_000);
  }

  private touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const socket = this.socket;
    this.idleTimer = setTimeout(() => {
      // Nothing heard (not even a pong): the connection is dead even if the browser has not noticed.
      if (socket && socket === this.socket) socket.close(4000, 'idle');
      if (socket) this.handleClose(socket, CloseCode.goingAway);
    }, this.options.idleTimeoutMs ?? 60_000);
  }

  private clearTimers() {
    for (const roomId of [...this.resubscribeTimers.keys()]) this.clearResubscribe(roomId);
    // A new connection subscribes every room afresh.
    this.unanswered.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = this.idleTimer = this.pingTimer = null;
  }
}
