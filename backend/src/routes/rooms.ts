import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { createRoom } from '../services/rooms/create-room.js';
import { deleteRoom, getRoom, updateRoom } from '../services/rooms/get-room.js';
import { discoverRooms, listMyRooms } from '../services/rooms/list-rooms.js';
import { joinRoom, leaveRoom, listParticipants, removeParticipant } from '../services/rooms/membership.js';
import { addOrInvite } from '../services/invitations/invite.js';
import { changeRole } from '../services/rooms/change-role.js';
import { openDm } from '../services/dms/open-dm.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function roomRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.listRooms.path, { schema: schemaOf(api.listRooms) }, async (request) => ({
    rooms: await listMyRooms(ctx, callerOf(request)),
  }));

  app.get(api.discoverRooms.path, { schema: schemaOf(api.discoverRooms) }, async (request) => ({
    rooms: await discoverRooms(ctx, callerOf(request), request.query.q),
  }));

  app.post(api.createRoom.path, { schema: schemaOf(api.createRoom) }, async (request, reply) =>
    reply.code(201).send(await createRoom(ctx, callerOf(request), request.body)),
  );

  app.get(api.getRoom.path, { schema: schemaOf(api.getRoom) }, async (request) =>
    getRoom(ctx, callerOf(request), request.params.id),
  );

  app.patch(api.updateRoom.path, { schema: schemaOf(api.updateRoom) }, async (request) =>
    updateRoom(ctx, callerOf(request), request.params.id, request.body),
  );

  app.delete(api.deleteRoom.path, { schema: schemaOf(api.deleteRoom) }, async (request, reply) => {
    await deleteRoom(ctx, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.post(api.joinRoom.path, { schema: schemaOf(api.joinRoom) }, async (request) =>
    joinRoom(ctx, callerOf(request), request.params.id),
  );

  app.post(api.leaveRoom.path, { schema: schemaOf(api.leaveRoom) }, async (request, reply) => {
    await leaveRoom(ctx, callerOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.get(api.listParticipants.path, { schema: schemaOf(api.listParticipants) }, async (request) => ({
    participants: await listParticipants(ctx, callerOf(request), request.params.id),
  }));

  app.post(api.addParticipant.path, { schema: schemaOf(api.addParticipant) }, async (request, reply) => {
    const outcome = await addOrInvite(ctx, callerOf(request), request.params.id, request.body.userId);
    return outcome.status === 'added'
      ? reply.code(201).send(outcome.membership)
      : reply.code(202).send(outcome.invitation);
  });

  app.patch(api.changeRole.path, { schema: schemaOf(api.changeRole) }, async (request) =>
    changeRole(ctx, callerOf(request), request.params.id, request.params.userId, request.body.role),
  );

  app.post(api.openDm.path, { schema: schemaOf(api.openDm) }, async (request, reply) => {
    const { room, created } = await openDm(ctx, callerOf(request), request.body.userIds);
    return reply.code(created ? 201 : 200).send(room);
  });

  app.delete(
    api.removeParticipant.path,
    { schema: schemaOf(api.removeParticipant) },
    async (request, reply) => {
      await removeParticipant(ctx, callerOf(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    },
  );
}
