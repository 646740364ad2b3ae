import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { listNotifications } from '../services/notifications/list.js';
import { markAllNotificationsRead, markNotificationRead } from '../services/notifications/read.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function notificationRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listNotifications.path, { schema: schemaOf(api.listNotifications) }, async (request) =>
    listNotifications(ctx, callerOf(request), request.query),
  );

  app.post(
    api.readAllNotifications.path,
    { schema: schemaOf(api.readAllNotifications) },
    async (request, reply) => {
      await markAllNotificationsRead(ctx, callerOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(api.readNotification.path, { schema: schemaOf(api.readNotification) }, async (request, reply) => {
    await markNotificationRead(ctx, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });
}
