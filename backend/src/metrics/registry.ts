import { Counter, register } from 'prom-client';

/** A counter on the default registry, created once even if this module is evaluated twice (tests). */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames });
}
