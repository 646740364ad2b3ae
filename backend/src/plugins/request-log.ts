import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { api } from '@messaging-app/shared';

/** Routes polled by machines or called on every scroll: their lines would drown the interesting ones. */
const chattyRoutes = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  `${api.markRead.method} ${api.markRead.path}`,
]);

/** Static files (the web client, the API reference's assets) and machine-polled routes log at debug. */
export function isChatty(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined) return false;
  if (chattyRoutes.has(`${request.method} ${route}`)) return true;
  const read = request.method === 'GET' || request.method === 'HEAD';
  return read && !/^\/(api|ws)(\/|$)/.test(route);
}

/**
 * One access line per request, written when the response is done: method, path, status, time and the
 * problem code of an error. Replaces Fastify's two lines (incoming, completed) per request.
 */
export const requestLogPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onResponse', async (request, reply) => {
      const level = isChatty(request) ? 'debug' : 'info';
      const path = request.url.split('?')[0] ?? request.url;
      const responseTime = Math.round(reply.elapsedTime * 10) / 10;
      const code = request.problemCode;
      request.log[level](
        { method: request.method, url: path, statusCode: reply.statusCode, responseTime, code },
        `${request.method} ${path} ${reply.statusCode} ${responseTime} ms${code ? ` ${code}` : ''}`,
      );
    });
  },
  { name: 'request-log', dependencies: ['errors'] },
);
