import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../services/errors.js';

/**
 * The path of the first string holding U+0000 in a parsed JSON value, or null. PostgreSQL text
 * cannot store NUL, so such input would fail deep in a query as a 500; it is refused at the edge.
 */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = key.includes('\u0000') ? `${path}.${key}` : findNul(inner, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

/** Refuses any request whose body, query or path carries a NUL character: 400, never a 500. */
export const textGuardPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request: FastifyRequest) => {
      for (const [part, value] of [
        ['body', request.body],
        ['querystring', request.query],
        ['params', request.params],
      ] as const) {
        const path = findNul(value);
        if (path)
          throw new AppError(400, 'validation_failed', `${part}.${path}: NUL characters are not allowed`);
      }
    });
  },
  { name: 'text-guard' },
);
