import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { count, isNull } from 'drizzle-orm';
import { outbox } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { collectProcessMetrics, metrics, metricsRegistry } from '../metrics/metrics.js';
import { runSamplers, sampleOutboxBacklog } from '../metrics/samplers.js';

/** Requests that matched no route share one label, so a scanner cannot explode the series count. */
const unmatched = '<unmatched>';

/**
 * Prometheus: latency of every HTTP request by route template and status, the outbox backlog read
 * from the database at scrape time, and `GET /metrics` in the text exposition format.
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

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      await runSamplers();
      return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
  },
  { name: 'metrics' },
);
