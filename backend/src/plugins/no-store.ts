import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * `Cache-Control: no-store` on every API answer: they carry tokens, emails and private messages,
 * which no browser cache, proxy or shared machine may keep. Errors included.
 */
export const noStorePlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (/^\/api(\/|\?|$)/.test(request.url)) reply.header('cache-control', 'no-store');
      return payload;
    });
  },
  { name: 'no-store' },
);
