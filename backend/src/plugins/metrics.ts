import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createHash, timingSafeEqual } from 'node:crypto';
import { count, isNull } from 'drizzle-orm';
import { outbox } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { collectProcessMetrics, metrics, metricsRegistry } from '../metrics/metrics.js';
import { runSamplers, sampleOutboxBacklog } from '../metrics/samplers.js';
import { unauthorized } from '../services/errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an Authorization header carries exactly `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}

/** Requests that matched no route share one label, so a scanner cannot explode the series count. */
const unmatched = '<unmatched>';

/**
 * Prometheus: latency of every HTTP request by route template and status, the outbox backlog read
 * from the database at scrape time, and `GET /metrics` in the text exposition format. This is the
 * public port: `/metrics` here needs `Authorization: Bearer METRICS_TOKEN` (401 otherwise) and is a
 * 404 without a token configured; Prometheus scrapes `METRICS_PORT` instead (main.ts).
 * Wrapped in fastify-plugin so the hook sees the routes registered after it.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
    collectProcessMetrics();

    app.addHook('onResponse', async (request, reply) => {
      // A WebSocket upgrade "responds" when the socket closes: its lifetime is not a latency.
      if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? unmatched,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    const stopSampling = sampleOutboxBacklog(async () => {
      const [row] = await ctx.db.select({ n: count() }).from(outbox).where(isNull(outbox.sentAt));
      return row?.n ?? 0;
    }, ctx.log);
    app.addHook('onClose', async () => stopSampling());

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const token = ctx.config.metricsToken;
      // Exactly what an unknown path answers: the public port does not tell that metrics exist.
      if (token === undefined) return reply.callNotFound();
      if (!bearerMatches(request.headers.authorization, token)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw unauthorized('the metrics token is required');
      }
      await runSamplers();
      return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
  },
  { name: 'metrics' },
);
