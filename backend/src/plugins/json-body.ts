import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../services/errors.js';
import { maxInputDepth } from './text-guard.js';

const quote = 0x22;
const backslash = 0x5c;
const open = new Set([0x5b, 0x7b]); // [ {
const close = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether JSON text nests deeper than `max`, read before parsing: one pass over the characters,
 * skipping strings, so a megabyte of `[` is refused without building a megabyte-deep value.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === backslash) i += 1;
      else if (c === quote) inString = false;
    } else if (c === quote) {
      inString = true;
    } else if (open.has(c)) {
      depth += 1;
      if (depth > max) return true;
    } else if (close.has(c)) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), behind a nesting
 * limit. Absurd nesting is a 400 problem+json before any parsing or scanning takes place.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parse = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (nestsDeeperThan(text, maxInputDepth)) {
        done(new AppError(400, 'invalid_json', `the JSON body nests deeper than ${maxInputDepth} levels`));
        return;
      }
      parse(request, text, done);
    });
  },
  { name: 'json-body' },
);
