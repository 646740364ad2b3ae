import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import { getProfile, getUser, updateProfile } from '../services/users/profile.js';
import { searchUsers } from '../services/users/search-users.js';
import { confirmEmailChange } from '../services/users/email-change.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

export async function userRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);
  app.addHook('onRequest', app.authenticate);

  app.get(api.getProfile.path, { schema: schemaOf(api.getProfile) }, async (request) =>
    getProfile(ctx, callerOf(request)),
  );

  app.patch(api.updateProfile.path, { schema: schemaOf(api.updateProfile) }, async (request) =>
    updateProfile(ctx, callerOf(request), request.body, { ip: request.ip }),
  );

  app.post(api.confirmEmailChange.path, { schema: schemaOf(api.confirmEmailChange) }, async (request) =>
    confirmEmailChange(ctx, callerOf(request), request.body.token),
  );

  app.get(api.searchUsers.path, { schema: schemaOf(api.searchUsers) }, async (request) => ({
    users: await searchUsers(ctx, request.query),
  }));

  app.get(api.getUser.path, { schema: schemaOf(api.getUser) }, async (request) =>
    getUser(ctx, request.params.id),
  );
}
