import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';

/** One proxied connection: the client's socket, the one opened to the target for it, and what a stall holds. */
interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes read during a stall, per direction, written on `resume`. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP proxy a test controls, for injecting network faults in front of a real server (PostgreSQL,
 * Redis, RabbitMQ): `cut()` resets every open connection, `stall()` stops forwarding bytes while
 * keeping the sockets open (a hung server or a black-holed network), `refuse(true)` resets new
 * connections as soon as they arrive (the server is gone). Listens on 127.0.0.1, on a free port.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private refusing = false;
  private accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** Starts a proxy to `host:port`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
    const proxy = new TcpProxy(server, address.port, target);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  /** Starts a proxy to the server of a URL (`postgres://host:port/db`) and returns the URL through it. */
  static async inFrontOf(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
    const parsed = new URL(url);
    const proxy = await TcpProxy.start({
      host: parsed.hostname || '127.0.0.1',
      port: parsed.port ? Number(parsed.port) : defaultPort,
    });
    parsed.hostname = '127.0.0.1';
    parsed.port = String(proxy.port);
    return { proxy, url: parsed.toString() };
  }

  /** Connections currently open through the proxy. */
  get open(): number {
    return this.pairs.size;
  }

  /** Connections accepted (and forwarded) since the start. */
  get connections(): number {
    return this.accepted;
  }

  /** Bytes a stall holds back right now, both directions together. */
  get heldBytes(): number {
    let total = 0;
    for (const pair of this.pairs) {
      for (const chunk of [...pair.toUpstream, ...pair.toClient]) total += chunk.length;
    }
    return total;
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const upstream = connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // Forwarded by hand rather than piped, so a stall holds bytes the proxy can count.
    client.on('data', (chunk: Buffer) => this.forward(chunk, upstream, pair.toUpstream));
    upstream.on('data', (chunk: Buffer) => this.forward(chunk, client, pair.toClient));
    const drop = () => {
      if (!this.pairs.delete(pair)) return;
      // One side gone: reset the other, as a broken network path would look to it.
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    // Errors are the expected result of a cut or of a peer going away; `drop` ends the pair.
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
  }

  private forward(chunk: Buffer, to: Socket, held: Buffer[]): void {
    if (this.stalled) held.push(chunk);
    else if (!to.destroyed) to.write(chunk);
  }

  /** Resets every open connection on both sides (each peer sees ECONNRESET). New ones still pass. */
  cut(): void {
    for (const pair of [...this.pairs]) {
      this.pairs.delete(pair);
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
  }

  /** Stops forwarding in both directions, on open and new connections alike; the sockets stay open. */
  stall(): void {
    this.stalled = true;
  }

  /** Forwards what a `stall` held back, then everything as before. */
  resume(): void {
    this.stalled = false;
    for (const { client, upstream, toUpstream, toClient } of this.pairs) {
      for (const chunk of toUpstream.splice(0)) if (!upstream.destroyed) upstream.write(chunk);
      for (const chunk of toClient.splice(0)) if (!client.destroyed) client.write(chunk);
    }
  }

  /** While on, new connections are reset on arrival (a server that is down); open ones are left alone. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  /** Resets every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }
}
