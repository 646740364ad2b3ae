import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { collectProcessMetrics, metricsRegistry } from './metrics.js';
import { runSamplers } from './samplers.js';
import type { ReadinessCheck } from '../routes/health.js';

export interface OpsServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** The same body as the API's `/readyz`: each check's state, 503 when one is down. */
async function readiness(checks: ReadinessCheck[]): Promise<{ status: number; body: string }> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        return [name, await check()] as const;
      } catch {
        return [name, 'down' as const] as const;
      }
    }),
  );
  const ready = results.every(([, state]) => state !== 'down');
  const body = { status: ready ? 'ready' : 'unready', checks: Object.fromEntries(results) };
  return { status: ready ? 200 : 503, body: JSON.stringify(body) };
}

/**
 * A minimal HTTP server for a process without the API (role `worker`): `GET /healthz` for the
 * liveness probe, `GET /readyz` for readiness (the database, the broker, SMTP, and whether the
 * email consumer is registered), and `GET /metrics` for Prometheus.
 */
export async function startOpsServer(options: {
  host: string;
  port: number;
  log: Logger;
  checks?: ReadinessCheck[];
}): Promise<OpsServer> {
  collectProcessMetrics();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const known = path === '/healthz' || path === '/readyz' || path === '/metrics';
    if (request.method !== 'GET' || !known) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404}');
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path === '/readyz') {
      readiness(options.checks ?? [])
        .then(({ status, body }) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(body),
        )
        .catch((error: unknown) => {
          options.log.error({ err: error }, 'readiness failed');
          response.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unready"}');
        });
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
  options.log.info({ port }, 'ops server listening (/healthz, /readyz, /metrics)');
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
