import type { FastifyInstance } from 'fastify';
import { api } from '@messaging-app/shared';
import type { Readiness } from '@messaging-app/shared';
import { schemaOf } from './schema-of.js';
import { zod } from './types.js';

/** A named readiness check of one backing service. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<'up' | 'down' | 'embedded'>;
}

export interface HealthOptions {
  checks: ReadinessCheck[];
  /** False once shutdown has begun: the load balancer should stop sending traffic. */
  accepting: () => boolean;
  /** A check that has not answered after this long counts as down: a stalled service must not hang the probe. */
  checkTimeoutMs?: number;
}

/** The check's answer, or 'down' once it fails or outlives `ms`. */
async function within(check: ReadinessCheck['check'], ms: number): Promise<'up' | 'down' | 'embedded'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'down'>((resolve) => {
    timer = setTimeout(() => resolve('down'), ms);
  });
  try {
    return await Promise.race([check(), late]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export async function healthRoutes(
  instance: FastifyInstance,
  { checks, accepting, checkTimeoutMs = 2_000 }: HealthOptions,
) {
  const app = zod(instance);

  app.get(api.healthz.path, { schema: schemaOf(api.healthz) }, async () => ({ status: 'ok' as const }));

  app.get(api.readyz.path, { schema: schemaOf(api.readyz) }, async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => [name, await within(check, checkTimeoutMs)] as const),
    );
    const body: Readiness = {
      status: accepting() && results.every(([, s]) => s !== 'down') ? 'ready' : 'unready',
      checks: Object.fromEntries(results),
    };
    return reply.code(body.status === 'ready' ? 200 : 503).send(body);
  });
}
