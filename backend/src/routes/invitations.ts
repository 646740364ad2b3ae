import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { listInvitations } from '../services/invitations/list.js';
import { acceptInvitation, declineInvitation } from '../services/invitations/respond.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function invitationRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listInvitations.path, { schema: schemaOf(api.listInvitations) }, async (request) => ({
    invitations: await listInvitations(ctx, callerOf(request)),
  }));

  app.post(api.acceptInvitation.path, { schema: schemaOf(api.acceptInvitation) }, async (request) =>
    acceptInvitation(ctx, callerOf(request), request.params.id),
  );

  app.post(
    api.declineInvitation.path,
    { schema: schemaOf(api.declineInvitation) },
    async (request, reply) => {
      await declineInvitation(ctx, callerOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
