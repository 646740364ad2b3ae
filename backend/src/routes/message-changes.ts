import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { editMessage } from '../services/messages/edit-message.js';
import { deleteMessage } from '../services/messages/delete-message.js';
import { messageHistory } from '../services/messages/message-history.js';
import { setReaction } from '../services/messages/react.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

/** Edit, delete, edit history and reactions of posted messages (DESIGN §4b). */
export async function messageChangeRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.patch(api.editMessage.path, { schema: schemaOf(api.editMessage) }, async (request) =>
    editMessage(ctx, callerOf(request), {
      roomId: request.params.id,
      messageId: request.params.messageId,
      body: request.body.body,
    }),
  );

  app.delete(api.deleteMessage.path, { schema: schemaOf(api.deleteMessage) }, async (request, reply) => {
    await deleteMessage(ctx, callerOf(request), request.params.id, request.params.messageId);
    return reply.code(204).send(null);
  });

  app.get(api.messageHistory.path, { schema: schemaOf(api.messageHistory) }, async (request) =>
    messageHistory(ctx, callerOf(request), request.params.id, request.params.messageId),
  );

  app.put(api.addReaction.path, { schema: schemaOf(api.addReaction) }, async (request, reply) => {
    await setReaction(ctx, callerOf(request), reactionOf(request.params), true);
    return reply.code(204).send(null);
  });

  app.delete(api.removeReaction.path, { schema: schemaOf(api.removeReaction) }, async (request, reply) => {
    await setReaction(ctx, callerOf(request), reactionOf(request.params), false);
    return reply.code(204).send(null);
  });
}

const reactionOf = (params: { id: string; messageId: string; emoji: string }) => ({
  roomId: params.id,
  messageId: params.messageId,
  emoji: params.emoji,
});
