import type { Logger } from 'pino';
import { metrics } from './metrics.js';

/*
 * Gauges whose truth lives elsewhere (a table, a broker queue) are read when Prometheus scrapes,
 * not kept up to date by hand. A sampler is registered by whoever can read that truth and removed
 * when it closes; with several app instances in one process the latest registration answers.
 */

type Sampler<T> = { read: () => Promise<T>; log: Logger | undefined };

const outboxSamplers: Sampler<number>[] = [];
const queueSamplers = new Map<string, Sampler<number>[]>();

function latest<T>(list: Sampler<T>[]): Sampler<T> | undefined {
  return list[list.length - 1];
}

function remove<T>(list: Sampler<T>[], sampler: Sampler<T>): () => void {
  return () => {
    const at = list.indexOf(sampler);
    if (at >= 0) list.splice(at, 1);
  };
}

/** A scrape must not fail because one backing service is down: count it, log it, keep the old value. */
async function sample<T>(name: string, sampler: Sampler<T>, apply: (value: T) => void): Promise<void> {
  try {
    apply(await sampler.read());
  } catch (error) {
    metrics.samplerErrors.inc({ sampler: name });
    sampler.log?.warn({ err: error, sampler: name }, 'metrics sampler failed');
  }
}

/** Registers how to count the outbox rows still waiting for the broker; returns the unregister function. */
export function sampleOutboxBacklog(read: () => Promise<number>, log?: Logger): () => void {
  const sampler = { read, log };
  outboxSamplers.push(sampler);
  return remove(outboxSamplers, sampler);
}

/** Registers how to read one queue's depth (e.g. a passive queue declare); returns the unregister function. */
export function sampleQueueDepth(queue: string, read: () => Promise<number>, log?: Logger): () => void {
  const sampler = { read, log };
  const list = queueSamplers.get(queue) ?? [];
  list.push(sampler);
  queueSamplers.set(queue, list);
  return remove(list, sampler);
}

/** Runs every registered sampler; called by the /metrics route just before rendering. */
export async function runSamplers(): Promise<void> {
  const work: Promise<void>[] = [];
  const outbox = latest(outboxSamplers);
  if (outbox) work.push(sample('outbox_backlog', outbox, (n) => metrics.outboxBacklog.set(n)));
  for (const [queue, list] of queueSamplers) {
    const sampler = latest(list);
    if (sampler)
      work.push(sample(`queue_depth:${queue}`, sampler, (n) => metrics.queueDepth.set({ queue }, n)));
  }
  await Promise.all(work);
}
