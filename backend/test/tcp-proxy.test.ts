import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.js';
import { eventually } from './support/eventually.js';

/** An echo server that remembers what it received and which of its sockets are still open. */
async function echoServer(): Promise<{
  server: Server;
  port: number;
  received: () => string;
  sockets: Set<Socket>;
}> {
  let received = '';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      socket.write(chunk);
    });
    socket.on('error', () => sockets.delete(socket));
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, received: () => received, sockets };
}

/** A client socket that collects what it reads and how it ended. */
async function dial(port: number) {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
  });
  await once(socket, 'connect');
  return { socket, data: () => data, ended };
}

describe('TCP proxy for fault injection', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup() {
    const echo = await echoServer();
    cleanup.push(() => new Promise<void>((resolve) => echo.server.close(() => resolve())));
    cleanup.push(() => {
      for (const socket of echo.sockets) socket.destroy();
    });
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
    cleanup.push(() => proxy.close());
    return { echo, proxy };
  }

  it('forwards bytes both ways', async () => {
    const { proxy } = await setup();
    const client = await dial(proxy.port);
    cleanup.push(() => void client.socket.destroy());
    client.socket.write('hello');
    await eventually(() => client.data() === 'hello', 'the echo');
    expect(proxy.open).toBe(1);
    expect(proxy.connections).toBe(1);
  });

  it('cut resets both sides of every open connection and lets new ones through', async () => {
    const { echo, proxy } = await setup();
    const client = await dial(proxy.port);
    client.socket.write('a');
    await eventually(() => client.data() === 'a' && echo.sockets.size === 1, 'the first echo');
    proxy.cut();
    expect(await client.ended).toBe('ECONNRESET');
    await eventually(() => echo.sockets.size === 0, 'the server side to close');
    expect(proxy.open).toBe(0);

    const again = await dial(proxy.port);
    cleanup.push(() => void again.socket.destroy());
    again.socket.write('b');
    await eventually(() => again.data() === 'b', 'an echo after the cut');
  });

  it('stall holds bytes with the sockets open, and resume delivers them in order', async () => {
    const { echo, proxy } = await setup();
    const client = await dial(proxy.port);
    cleanup.push(() => void client.socket.destroy());
    client.socket.write('1');
    await eventually(() => client.data() === '1', 'the echo before the stall');
    proxy.stall();
    client.socket.write('23');
    await eventually(() => proxy.heldBytes === 2, 'the proxy to hold the bytes');
    expect(echo.received()).toBe('1');
    expect(client.socket.destroyed).toBe(false);
    expect(echo.sockets.size).toBe(1);
    proxy.resume();
    await eventually(() => client.data() === '123', 'the held bytes to go through');
    expect(echo.received()).toBe('123');
  });

  it('refuse resets new connections and leaves open ones alone', async () => {
    const { proxy } = await setup();
    const open = await dial(proxy.port);
    cleanup.push(() => void open.socket.destroy());
    proxy.refuse(true);
    const refused = connect(proxy.port, '127.0.0.1');
    const outcome = await new Promise<string>((resolve) => {
      refused.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      refused.on('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed']).toContain(outcome);
    expect(proxy.connections).toBe(1);
    open.socket.write('x');
    await eventually(() => open.data() === 'x', 'the open connection to keep working');
    proxy.refuse(false);
    const later = await dial(proxy.port);
    cleanup.push(() => void later.socket.destroy());
    later.socket.write('y');
    await eventually(() => later.data() === 'y', 'a new connection once refusing ends');
  });
});
