import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { sendMessage } from '../services/messages/send-message.js';
import { listMessages } from '../services/messages/history.js';
import { markRead } from '../services/messages/mark-read.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function messageRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listMessages.path, { schema: schemaOf(api.listMessages) }, async (request) =>
    listMessages(ctx, callerOf(request), request.params.id, request.query),
  );

  app.post(api.sendMessage.path, { schema: schemaOf(api.sendMessage) }, async (request, reply) => {
    const caller = callerOf(request);
    const { message, created } = await sendMessage(ctx, {
      userId: caller.userId,
      sessionId: caller.sessionId,
      roomId: request.params.id,
      body: request.body.body,
      clientMsgId: request.body.clientMsgId,
      threadId: request.body.threadId,
      alsoToRoom: request.body.alsoToRoom,
    });
    return reply.code(created ? 201 : 200).send(message);
  });

  app.post(api.markRead.path, { schema: schemaOf(api.markRead) }, async (request, reply) => {
    await markRead(ctx, callerOf(request), request.params.id, request.body.seq, {
      unread: request.body.unread,
    });
    return reply.code(204).send(null);
  });
}
