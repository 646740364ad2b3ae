import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { getThread, markThreadRead } from '../services/threads/thread.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function threadRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.getThread.path, { schema: schemaOf(api.getThread) }, async (request) =>
    getThread(ctx, callerOf(request), request.params.id, request.params.messageId, request.query),
  );

  app.post(api.markThreadRead.path, { schema: schemaOf(api.markThreadRead) }, async (request, reply) => {
    const { id, messageId } = request.params;
    await markThreadRead(ctx, callerOf(request), id, messageId, request.body.seq);
    return reply.code(204).send(null);
  });
}
