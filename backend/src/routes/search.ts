import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { searchMessages } from '../services/search/search-messages.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function searchRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.searchMessages.path, { schema: schemaOf(api.searchMessages) }, async (request) =>
    searchMessages(ctx, callerOf(request), request.query),
  );
}
