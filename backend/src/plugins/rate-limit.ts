import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { api } from '@messaging-app/shared';
import type { Limiter } from '../ratelimit/limiter.js';
import { limitMessageSend, tooManyRequests } from '../ratelimit/limiter.js';
import type { AppContext } from '../services/context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's limits, for the WebSocket gateway (message sends, frames). */
    limiter: Limiter;
  }
}

export interface RateLimitOptions {
  /** Its `limiter` holds the process's limits. */
  ctx: AppContext;
  /** Shared counters for the general limits; in-process memory when absent. */
  redis?: Redis;
}

type Hook = (request: FastifyRequest, reply: FastifyReply, payload?: unknown) => Promise<unknown>;

function appendHook(route: RouteOptions, name: 'preHandler' | 'onSend', hook: Hook) {
  const current = route[name] as Hook | Hook[] | undefined;
  const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
  (route as unknown as Record<string, Hook[]>)[name] = [...list, hook];
}

const byIp = (request: FastifyRequest) => `ip:${request.ip}`;

/**
 * Every limit of the HTTP API. General per-user and per-IP budgets use @fastify/rate-limit (Redis
 * store when configured); login per account and message sends use our own limiter, which the
 * WebSocket gateway shares. Every refusal is a 429 problem+json with Retry-After.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, { ctx, redis }: RateLimitOptions) => {
    const limiter = ctx.limiter;
    const s = limiter.settings;
    app.decorate('limiter', limiter);

    // Runs before @fastify/rate-limit's own onRoute hook (registered below), so it sees our configs.
    app.addHook('onRoute', (route) => {
      const url = route.url ?? route.path;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const is = (e: { method: string; path: string }) => url === e.path && methods.includes(e.method);
      route.config ??= {};
      const config = route.config as { rateLimit?: unknown };
      if (!url.startsWith('/api/')) {
        // Health probes, docs, static files and the socket upgrade have their own controls.
        config.rateLimit = false;
      } else if (is(api.register)) {
        config.rateLimit = {
          max: s.registerPerIpPerHour,
          timeWindow: 3_600_000,
          keyGenerator: byIp,
          hook: 'onRequest',
        };
      } else if (is(api.requestPasswordReset) || is(api.confirmPasswordReset)) {
        config.rateLimit = {
          max: s.passwordResetPerIpPerHour,
          timeWindow: 3_600_000,
          keyGenerator: byIp,
          hook: 'onRequest',
        };
      } else if (is(api.login)) {
        config.rateLimit = {
          max: s.loginPerIpPerMinute,
          timeWindow: 60_000,
          keyGenerator: byIp,
          hook: 'onRequest',
        };
      } else if (is(api.sendMessage)) {
        appendHook(route, 'preHandler', async (request) => {
          if (request.caller) await limitMessageSend(limiter, request.caller.userId);
        });
      }
    });

    await app.register(rateLimit, {
      global: true,
      // After authentication (onRequest), so the budget is the user's, not the address's (NAT, mobile
      // carriers); before parsing and validation, so invalid requests spend it too.
      hook: 'preParsing',
      max: s.apiPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => (request.caller ? `user:${request.caller.userId}` : byIp(request)),
      ...(redis ? { redis, nameSpace: 'ratelimit:' } : {}),
      skipOnError: false,
      errorResponseBuilder: (_request, context) => tooManyRequests('api', context.ttl, 'too many requests'),
    });
  },
  { name: 'rate-limit', dependencies: ['errors', 'auth'] },
);
