import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { problem, sendProblem } from './errors.js';

/** Vite puts every content-hashed file under /assets/ (name-HASH.ext, and .ext.br/.ext.gz beside it). */
const hashedAsset = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}(\.[a-z0-9]+)+$/;

/** Paths the server owns: never answered with the app shell. */
const serverPath = /^\/(api|ws|docs|openapi\.json|asyncapi\.json|healthz|readyz|metrics)(\/|$)/;

export const immutableCaching = 'public, max-age=31536000, immutable';

function cacheHeaders(reply: FastifyReply, path: string) {
  // Source maps are not built for production; should one appear in dist it is still not published.
  if (path.endsWith('.map')) return;
  if (hashedAsset.test(path)) reply.header('cache-control', immutableCaching);
  // The shell and unhashed files are revalidated on each load, so a deploy shows at once.
  else reply.header('cache-control', 'no-cache');
}

/**
 * The built web client, in single-process mode: hashed assets cached for a year, everything sent
 * precompressed (gzip or brotli files written by the build) when the browser accepts it, and the app
 * shell for every client-side route.
 */
export const webClientPlugin = fp(
  async (app: FastifyInstance, { root }: { root: string }) => {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      // Neither source maps nor the precompressed copies get a route of their own.
      globIgnore: ['**/*.map', '**/*.gz', '**/*.br'],
      setHeaders: cacheHeaders,
    });
    // Client-side routes: every other GET that wants HTML gets the app shell. A catch-all route, because the
    // errors plugin already owns the not-found handler (Fastify allows one per prefix).
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (!serverPath.test(path) && (request.headers.accept ?? '').includes('text/html')) {
        return reply.type('text/html').sendFile('index.html');
      }
      return sendProblem(reply, problem(404, 'not_found', `no route ${request.method} ${path}`));
    });
  },
  { name: 'web-client' },
);
