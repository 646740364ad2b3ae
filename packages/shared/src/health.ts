import { z } from 'zod';

export const Liveness = z.object({ status: z.literal('ok') });
export const ServiceStatus = z.enum(['up', 'down', 'embedded']);
export const Readiness = z.object({
  status: z.enum(['ready', 'unready']),
  checks: z.record(z.string(), ServiceStatus),
});
export type Readiness = z.infer<typeof Readiness>;
