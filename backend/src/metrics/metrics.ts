import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

/*
 * Every metric lives on prom-client's default registry, so other modules (the cache, the worker)
 * can add theirs and /metrics shows them all. Metrics are created once per process: a second import
 * of this module (two app instances in one test process) reuses the registered objects instead of
 * throwing "already registered".
 */

function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter(config);
}

function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return (register.getSingleMetric(config.name) as Gauge<T> | undefined) ?? new Gauge(config);
}

function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram(config);
}

/** The application's Prometheus metrics; callers use them directly, e.g. `metrics.messagesSent.inc()`. */
export const metrics = {
  httpRequestDuration: histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  openSockets: gauge({
    name: 'ws_open_sockets',
    help: 'WebSocket connections currently open on this instance',
  }),
  messagesSent: counter({
    name: 'messages_sent_total',
    help: 'Messages created (idempotent retries excluded); rate() gives messages per second',
  }),
  fanoutLag: histogram({
    name: 'fanout_lag_seconds',
    help: 'Time from an event being committed to its frame being written to a subscribed socket',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  outboxBacklog: gauge({
    name: 'outbox_backlog',
    help: 'Outbox rows not yet confirmed by the broker, sampled at scrape time',
  }),
  queueDepth: gauge({
    name: 'queue_depth',
    help: 'Messages waiting in a job queue, sampled at scrape time',
    labelNames: ['queue'] as const,
  }),
  jobFailures: counter({
    name: 'job_failures_total',
    help: 'Jobs that failed, by job type and outcome (retried or dead-lettered)',
    labelNames: ['job', 'outcome'] as const,
  }),
  emailJobs: counter({
    name: 'email_jobs_total',
    help: 'Email job deliveries by outcome: sent, skipped_online, skipped_read, skipped_prefs, skipped_claimed, failed, dead_lettered, unknown_user',
    labelNames: ['outcome'] as const,
  }),
  emailSweeps: counter({
    name: 'email_sweep_requeued_total',
    help: 'Email jobs queued again by the sweeper for pending notifications whose job was gone',
  }),
  wsFailures: counter({
    name: 'ws_failures_total',
    help: 'Unexpected failures caught by the WebSocket gateway boundary, by where they entered',
    labelNames: ['entry'] as const,
  }),
  wsReplayedEvents: counter({
    name: 'ws_replayed_events_total',
    help: 'Stored room events replayed to sockets (subscribe with afterSeq, gap fills, catch-ups)',
  }),
  wsRefusedSockets: counter({
    name: 'ws_refused_sockets_total',
    help: 'WebSocket connections closed by a cap, by reason (per user, unauthenticated per address)',
    labelNames: ['reason'] as const,
  }),
  processFailures: counter({
    name: 'process_unhandled_errors_total',
    help: 'Errors that escaped every boundary and reached the last-resort process handler, by kind',
    labelNames: ['kind'] as const,
  }),
  samplerErrors: counter({
    name: 'metrics_sampler_errors_total',
    help: 'Scrape-time samplers that failed (the gauge keeps its previous value)',
    labelNames: ['sampler'] as const,
  }),
};

/** Records the fan-out lag of one delivered event, given when it was committed. */
export function observeFanoutLag(committedAt: Date | string | number): void {
  const at = committedAt instanceof Date ? committedAt.getTime() : new Date(committedAt).getTime();
  if (Number.isNaN(at)) return;
  metrics.fanoutLag.observe(Math.max(0, Date.now() - at) / 1000);
}

let defaultsStarted = false;

/** Process metrics (CPU, memory, event-loop lag, GC), started once per process. */
export function collectProcessMetrics(): void {
  if (defaultsStarted || register.getSingleMetric('process_cpu_user_seconds_total')) return;
  defaultsStarted = true;
  collectDefaultMetrics();
}

export { register as metricsRegistry };
