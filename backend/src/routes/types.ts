import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../services/context.js';

/** Route modules are Fastify plugins that receive the app context. */
export interface RouteOptions {
  ctx: AppContext;
}

export const zod = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
