import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { collectProcessMetrics, metricsRegistry } from './metrics.js';
import { runSamplers } from './samplers.js';

export interface OpsServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * A minimal HTTP server for a process without the API (role `worker`): `GET /healthz` for the
 * liveness probe and `GET /metrics` for Prometheus, so job failures and queue depth get scraped.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  log: Logger;
}): Promise<OpsServer> {
  collectProcessMetrics();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || (path !== '/healthz' && path !== '/metrics')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    runSamplers()
      .then(() => metricsRegistry.metrics())
      .then((text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text))
      .catch((error: unknown) => {
        options.log.error({ err: error }, 'rendering metrics failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log.info({ port }, 'ops server listening (/healthz, /metrics)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Prometheus keeps its connection alive between scrapes; do not wait for it.
        server.closeAllConnections();
      }),
  };
}
