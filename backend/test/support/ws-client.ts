import WebSocket from 'ws';
import type { ServerFrame } from '@messaging-app/shared';

export interface Closed {
  code: number;
  reason: string;
}

type Predicate = (frame: ServerFrame) => boolean;

interface Waiter {
  match: Predicate;
  resolve(frame: ServerFrame): void;
}

/** `ws://host:port` of a listening Fastify server. */
export function wsUrl(server: { server: { address(): unknown } }, path = '/ws'): string {
  const address = server.server.address() as { port: number };
  return `ws://127.0.0.1:${address.port}${path}`;
}

/**
 * A small test client: keeps every frame it receives, and lets a test await the next frame that
 * matches, with a timeout instead of a sleep.
 */
export class WsClient {
  /** Frames received and not yet taken by `next`. */
  readonly inbox: ServerFrame[] = [];
  /** Every frame ever received, in order. */
  readonly received: ServerFrame[] = [];
  readonly closed: Promise<Closed>;
  private waiters: Waiter[] = [];
  private closedWith: Closed | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.received.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      } else {
        this.inbox.push(frame);
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      });
    });
  }

  /** Opens a socket (without authenticating). */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`handshake answered ${res.statusCode}`)),
      );
    });
  }

  /** Opens a socket and authenticates it; resolves with the `ready` frame's session. */
  static async connect(url: string, token: string): Promise<WsClient> {
    const client = await WsClient.open(url);
    client.send({ type: 'auth', token });
    await client.next((f) => f.type === 'ready');
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (not yet taken) that matches, waiting up to `timeoutMs`. */
  next<T extends ServerFrame = ServerFrame>(match: Predicate = () => true, timeoutMs = 5_000): Promise<T> {
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const recent = this.received.slice(-5).map((f) => f.type);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms (closed: ${JSON.stringify(this.closedWith)}, last: ${recent.join(',')})`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as T);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The next frame of a type. */
  nextOf<K extends ServerFrame['type']>(
    type: K,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: K }>> {
    return this.next<Extract<ServerFrame, { type: K }>>((f) => f.type === type, timeoutMs);
  }

  /** A ping/pong round trip: every frame the server sent before the pong has arrived. */
  async roundTrip(): Promise<void> {
    this.send({ type: 'ping' });
    await this.nextOf('pong');
  }

  /** Waits for the close, failing after `timeoutMs`. */
  async closing(timeoutMs = 5_000): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close();
  }
}
