import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import websocket from '@fastify/websocket';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { limits } from '@messaging-app/shared';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Bus } from './bus/messages.js';
import type { Presence } from './presence/presence.js';
import type { AppContext } from './services/context.js';
import { createContext } from './services/context.js';
import { errorsPlugin } from './plugins/errors.js';
import { webClientPlugin } from './plugins/web-client.js';
import { requestLogPlugin } from './plugins/request-log.js';
import { authPlugin } from './plugins/auth.js';
import { openapiPlugin } from './plugins/openapi.js';
import { asyncapiPlugin } from './plugins/asyncapi.js';
import { metricsPlugin } from './plugins/metrics.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { textGuardPlugin } from './plugins/text-guard.js';
import { jsonBodyPlugin } from './plugins/json-body.js';
import { noStorePlugin } from './plugins/no-store.js';
import { openCaches } from './cache/open.js';
import { attachCaches } from './cache/caches.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { roomRoutes } from './routes/rooms.js';
import { messageRoutes } from './routes/messages.js';
import { messageChangeRoutes } from './routes/message-changes.js';
import { threadRoutes } from './routes/threads.js';
import { searchRoutes } from './routes/search.js';
import { notificationRoutes } from './routes/notifications.js';
import { invitationRoutes } from './routes/invitations.js';
import { blockRoutes } from './routes/blocks.js';
import { banRoutes } from './routes/bans.js';
import { createGateway } from './websocket/gateway.js';
import type { GatewayOptions } from './websocket/options.js';
import type { HubStats } from './websocket/hub.js';
import { healthRoutes } from './routes/health.js';
import type { ReadinessCheck } from './routes/health.js';

export interface AppDeps {
  config: Config;
  database: Database;
  bus: Bus;
  presence: Presence;
  logger: Logger;
  /** Extra readiness checks (Redis, RabbitMQ) beyond the database. */
  readiness?: ReadinessCheck[];
  /** Redis for rate limits and the cache (REDIS_URL); in-process memory when absent. */
  redis?: Redis;
  /** WebSocket gateway tunables (tests shrink its timings). */
  realtime?: Partial<GatewayOptions>;
}

export interface App {
  server: FastifyInstance;
  ctx: AppContext;
  /** Flips /readyz to unready: the first step of a graceful shutdown. */
  stopAccepting(): void;
  /**
   * The gateway's part of a shutdown: stops reading frames, waits for the frames being handled and
   * the acks of stored sends, then closes every WebSocket with `code` (1012 on SIGTERM, so clients
   * reconnect and resume).
   */
  closeSockets(code: number): Promise<void>;
  /** What the WebSocket gateway holds (for tests and leak hunting). */
  realtimeStats(): HubStats;
}

const here = dirname(fileURLToPath(import.meta.url));

function frontendDist(config: Config): string | undefined {
  const dir = config.frontendDist ? resolve(config.frontendDist) : join(here, '../../frontend/dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Builds the HTTP and WebSocket server; shared by main.ts and the tests. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const server = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: limits.httpBodyMax,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // Named proxies, not `true`: with `true` the client-written left end of X-Forwarded-For is the IP.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    routerOptions: { maxParamLength: 200 },
    // One line per request from the request-log plugin instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);

  const ctx: AppContext = createContext(
    { config, db: deps.database.db, bus: deps.bus, presence: deps.presence, log: deps.logger },
    deps.redis,
  );
  let accepting = true;

  await server.register(errorsPlugin);
  await server.register(requestLogPlugin);
  await server.register(jsonBodyPlugin);
  await server.register(noStorePlugin);
  await server.register(metricsPlugin, { ctx });
  await server.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await server.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  });
  await server.register(websocket, { options: { maxPayload: limits.wsFrameMax } });
  await server.register(authPlugin, { ctx });
  await server.register(textGuardPlugin);
  attachCaches(ctx.db, openCaches(config.limits.cacheTtlSeconds, deps.redis));
  await server.register(rateLimitPlugin, {
    ctx,
    redis: deps.redis,
  });
  await server.register(openapiPlugin, { publicUrl: config.publicUrl });
  await server.register(asyncapiPlugin, { publicUrl: config.publicUrl });

  const checks: ReadinessCheck[] = [
    {
      name: 'database',
      check: async () => {
        await deps.database.ping();
        return deps.database.kind === 'pglite' ? 'embedded' : 'up';
      },
    },
    ...(deps.readiness ?? []),
  ];
  await server.register(healthRoutes, { checks, accepting: () => accepting });
  await server.register(authRoutes, { ctx });
  await server.register(userRoutes, { ctx });
  await server.register(roomRoutes, { ctx });
  await server.register(banRoutes, { ctx });
  await server.register(invitationRoutes, { ctx });
  await server.register(blockRoutes, { ctx });
  await server.register(messageRoutes, { ctx });
  await server.register(messageChangeRoutes, { ctx });
  await server.register(threadRoutes, { ctx });
  await server.register(searchRoutes, { ctx });
  await server.register(notificationRoutes, { ctx });
  const gateway = createGateway(ctx, deps.realtime);
  await server.register(gateway.routes);

  const dist = frontendDist(config);
  if (dist) await server.register(webClientPlugin, { root: dist });

  return {
    server,
    ctx,
    closeSockets: (code) => gateway.stop(code),
    realtimeStats: () => gateway.stats(),
    stopAccepting: () => {
      accepting = false;
    },
  };
}
