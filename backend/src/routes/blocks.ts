import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { blockUser, listBlocks, unblockUser } from '../services/blocks/blocks.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function blockRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listBlocks.path, { schema: schemaOf(api.listBlocks) }, async (request) => ({
    blocks: await listBlocks(ctx, callerOf(request)),
  }));

  app.put(api.blockUser.path, { schema: schemaOf(api.blockUser) }, async (request, reply) => {
    await blockUser(ctx, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.delete(api.unblockUser.path, { schema: schemaOf(api.unblockUser) }, async (request, reply) => {
    await unblockUser(ctx, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
