import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../services/errors.js';

/** The deepest nesting any request may carry; no contract schema comes near it. */
export const maxInputDepth = 64;

/** What is wrong with a piece of parsed input, and where. */
export interface TextFault {
  fault: 'nul' | 'too_deep';
  path: string;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * The first string (value or key) holding U+0000 in a parsed JSON value, or the first place nested
 * deeper than `maxDepth`. PostgreSQL text cannot store NUL, so such input would fail deep in a query
 * as a 500. Iterative with an explicit stack: no input can overflow the call stack.
 */
export function findTextFault(value: unknown, maxDepth = maxInputDepth): TextFault | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof item.value === 'string') {
      if (item.value.includes('\u0000')) return { fault: 'nul', path: item.path || '(value)' };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) return { fault: 'too_deep', path: item.path || '(value)' };
    const entries = Object.entries(item.value);
    // Pushed in reverse so the first key is looked at first, as a reader would.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, inner] = entries[i] as [string, unknown];
      if (key.includes('\u0000')) return { fault: 'nul', path: join(item.path, key) };
      stack.push({ value: inner, path: join(item.path, key), depth: item.depth + 1 });
    }
  }
  return null;
}

/** The path of the first string holding U+0000, or null; any depth (the scan is iterative). */
export function findNul(value: unknown): string | null {
  return findTextFault(value, Number.POSITIVE_INFINITY)?.path ?? null;
}

/** Refuses any request whose body, query or path carries a NUL character or absurd nesting: 400, never a 500. */
export const textGuardPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request: FastifyRequest) => {
      for (const [part, value] of [
        ['body', request.body],
        ['querystring', request.query],
        ['params', request.params],
      ] as const) {
        const found = findTextFault(value);
        if (!found) continue;
        const why =
          found.fault === 'nul'
            ? 'NUL characters are not allowed'
            : `nested deeper than ${maxInputDepth} levels`;
        throw new AppError(400, 'validation_failed', `${part}.${found.path}: ${why}`);
      }
    });
  },
  { name: 'text-guard' },
);
