import { afterAll, beforeAll } from 'vitest';
import type WebSocket from 'ws';
import { buildTestApp } from './app.js';
import type { TestApp } from './app.js';
import { WsClient, wsUrl } from './ws-client.js';

export interface SocketSuite {
  /** The test file's app, listening on a port of 127.0.0.1. */
  readonly app: TestApp;
  /** Its `ws://…/ws` address. */
  readonly url: string;
  /** Keeps a socket the test opened itself, to be closed after the file's last test. */
  track(client: WsClient): WsClient;
  /** An authenticated socket of `user` on `path` (`/ws` or `/ws/:roomId`). */
  connect(user: { accessToken: string }, path?: string): Promise<WsClient>;
  /** A socket that has not authenticated. */
  open(options?: WebSocket.ClientOptions): Promise<WsClient>;
}

/**
 * One app for a test file's sockets, built and listening before its first test; every socket opened
 * through it is closed after the last test, and the app with them.
 */
export function listeningApp(options: Parameters<typeof buildTestApp>[0] = {}): SocketSuite {
  let app: TestApp | undefined;
  let url = '';
  const clients: WsClient[] = [];
  beforeAll(async () => {
    app = await buildTestApp(options);
    await app.server.listen({ host: '127.0.0.1', port: 0 });
    url = wsUrl(app.server);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });
  const suite: SocketSuite = {
    get app() {
      if (!app) throw new Error('the app is built in beforeAll: use it inside a test');
      return app;
    },
    get url() {
      return url;
    },
    track(client) {
      clients.push(client);
      return client;
    },
    async connect(user, path = '/ws') {
      return suite.track(await WsClient.connect(url.replace(/\/ws$/, path), user.accessToken));
    },
    async open(openOptions = {}) {
      return suite.track(await WsClient.open(url, openOptions));
    },
  };
  return suite;
}
