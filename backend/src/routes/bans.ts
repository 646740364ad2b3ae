import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { banUser, listBans, unbanUser } from '../services/rooms/bans.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function banRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listBans.path, { schema: schemaOf(api.listBans) }, async (request) => ({
    bans: await listBans(ctx, callerOf(request), request.params.id),
  }));

  app.post(api.banUser.path, { schema: schemaOf(api.banUser) }, async (request, reply) => {
    const { ban, created } = await banUser(ctx, callerOf(request), request.params.id, request.body.userId);
    return reply.code(created ? 201 : 200).send(ban);
  });

  app.delete(api.unbanUser.path, { schema: schemaOf(api.unbanUser) }, async (request, reply) => {
    await unbanUser(ctx, callerOf(request), request.params.id, request.params.userId);
    return reply.code(204).send(null);
  });
}
