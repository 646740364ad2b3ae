import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../services/context.js';
import type { Caller } from '../services/auth/sessions.js';
import { authenticate } from '../services/auth/sessions.js';
import { unauthorized } from '../services/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyInstance {
    /** An onRequest hook: a valid, unrevoked bearer access token or 401. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

/** The authenticated caller of a route that ran `app.authenticate`. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized();
  return request.caller;
}

export const authPlugin = fp(
  async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
    app.decorateRequest('caller', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
      if (!match?.[1]) throw unauthorized('send Authorization: Bearer <accessToken>');
      request.caller = await authenticate(ctx, match[1]);
    });
  },
  { name: 'auth' },
);
