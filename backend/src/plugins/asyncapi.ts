import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { asyncApiDocument, description, framesOf, replies } from './asyncapi-document.js';
import { asyncApiPage } from './asyncapi-page.js';

/**
 * The WebSocket protocol as an AsyncAPI 3 document at /asyncapi.json, rendered at /docs/websocket; both
 * generated at start from the shared frame schemas.
 */
export const asyncapiPlugin = fp(
  async (app: FastifyInstance, { publicUrl }: { publicUrl: string }) => {
    const document = asyncApiDocument({ publicUrl });
    const page = asyncApiPage([...framesOf('client'), ...framesOf('server')], replies, description);
    app.get('/asyncapi.json', { schema: { hide: true } }, async () => document);
    app.get('/docs/websocket', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(page),
    );
  },
  { name: 'asyncapi' },
);
