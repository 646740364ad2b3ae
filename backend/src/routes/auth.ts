import type { FastifyInstance, FastifyRequest } from 'fastify';
import { api, passwordResetAcceptedDetail } from '@messaging-app/shared';
import { register } from '../services/auth/register.js';
import { login } from '../services/auth/login.js';
import { refresh } from '../services/auth/refresh.js';
import { logout } from '../services/auth/logout.js';
import { confirmPasswordReset, requestPasswordReset } from '../services/auth/password-reset.js';
import { callerOf } from '../plugins/auth.js';
import { schemaOf } from './schema-of.js';
import type { RouteOptions } from './types.js';
import { zod } from './types.js';

const requesterOf = (request: FastifyRequest) => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

export async function authRoutes(instance: FastifyInstance, { ctx }: RouteOptions) {
  const app = zod(instance);

  app.post(api.register.path, { schema: schemaOf(api.register) }, async (request, reply) => {
    const result = await register(ctx, request.body, requesterOf(request));
    return reply.code(201).send(result);
  });

  app.post(api.login.path, { schema: schemaOf(api.login) }, async (request) =>
    login(ctx, request.body, requesterOf(request)),
  );

  app.post(api.refresh.path, { schema: schemaOf(api.refresh) }, async (request) =>
    refresh(ctx, request.body.refreshToken),
  );

  app.post(
    api.requestPasswordReset.path,
    { schema: schemaOf(api.requestPasswordReset) },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.email);
      return reply.code(202).send({ detail: passwordResetAcceptedDetail });
    },
  );

  app.post(
    api.confirmPasswordReset.path,
    { schema: schemaOf(api.confirmPasswordReset) },
    async (request, reply) => {
      await confirmPasswordReset(ctx, request.body.token, request.body.password, requesterOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    api.logout.path,
    { schema: schemaOf(api.logout), onRequest: app.authenticate },
    async (request, reply) => {
      await logout(ctx, callerOf(request), request.body?.refreshToken);
      return reply.code(204).send(null);
    },
  );
}
