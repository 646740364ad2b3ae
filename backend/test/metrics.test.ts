import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildTestApp, metricsHeaders, testProcessEnv } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, registerUser, uniqueName } from './support/factories.js';
import { outbox } from '../src/db/schema.js';
import { metrics, observeFanoutLag } from '../src/metrics/metrics.js';
import { sampleQueueDepth } from '../src/metrics/samplers.js';
import { startOpsServer } from '../src/metrics/ops-server.js';
import { freePort } from './support/realtime-cluster.js';

let app: TestApp;
beforeAll(async () => {
  // No built frontend: its catch-all route would label every unknown path `/*` instead.
  app = await buildTestApp({ config: { frontendDist: '/nonexistent-frontend-dist' } });
});
afterAll(async () => {
  await app.close();
});

async function scrape(): Promise<string> {
  const response = await app.server.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** The value of one sample in Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format with every application metric and the process metrics', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'http_request_duration_seconds',
      'ws_open_sockets',
      'messages_sent_total',
      'fanout_lag_seconds',
      'outbox_backlog',
      'queue_depth',
      'job_failures_total',
      'process_cpu_user_seconds_total',
    ]) {
      expect(response.body).toContain(`# TYPE ${name} `);
    }
  });

  it('times requests by route template and status, not by the concrete URL', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const labels = { method: 'GET', route: '/api/rooms/:id', status_code: '200' };
    const before = sample(await scrape(), 'http_request_duration_seconds_count', labels) ?? 0;
    const response = await app.server.inject({
      method: 'GET',
      url: `/api/rooms/${room.id}`,
      headers: owner.headers,
    });
    expect(response.statusCode).toBe(200);
    const text = await scrape();
    expect(sample(text, 'http_request_duration_seconds_count', labels)).toBe(before + 1);
    expect(text).not.toContain(room.id);
  });

  it('puts requests that match no route under one label', async () => {
    const path = `/nowhere/${uniqueName('path')}`;
    const labels = { method: 'GET', route: '<unmatched>', status_code: '404' };
    const before = sample(await scrape(), 'http_request_duration_seconds_count', labels) ?? 0;
    expect((await app.server.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    const text = await scrape();
    expect(sample(text, 'http_request_duration_seconds_count', labels)).toBe(before + 1);
    expect(text).not.toContain(path);
  });

  it('counts a sent message once, and not its idempotent retry', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const before = sample(await scrape(), 'messages_sent_total') ?? 0;
    const payload = { body: 'counted once', clientMsgId: randomUUID() };
    const send = () =>
      app.server.inject({
        method: 'POST',
        url: `/api/rooms/${room.id}/messages`,
        headers: owner.headers,
        payload,
      });
    expect((await send()).statusCode).toBe(201);
    expect((await send()).statusCode).toBe(200);
    expect(sample(await scrape(), 'messages_sent_total')).toBe(before + 1);
  });

  it('reads the outbox backlog from the database when scraped', async () => {
    const before = sample(await scrape(), 'outbox_backlog') ?? 0;
    // Not available for an hour, so no relay publishes it while the test looks.
    const [row] = await app.ctx.db
      .insert(outbox)
      .values({ topic: 'metrics.test', payload: {}, availableAt: new Date(Date.now() + 3_600_000) })
      .returning({ id: outbox.id });
    expect(row).toBeDefined();
    expect(sample(await scrape(), 'outbox_backlog')).toBe(before + 1);
  });

  it('reports queue depth from registered samplers and survives a failing one', async () => {
    const good = uniqueName('queue');
    const bad = uniqueName('queue');
    const stopGood = sampleQueueDepth(good, async () => 7);
    const stopBad = sampleQueueDepth(bad, async () => {
      throw new Error('broker unreachable');
    });
    try {
      const errorsBefore =
        sample(await scrape(), 'metrics_sampler_errors_total', { sampler: `queue_depth:${bad}` }) ?? 0;
      const text = await scrape();
      expect(sample(text, 'queue_depth', { queue: good })).toBe(7);
      expect(sample(text, 'metrics_sampler_errors_total', { sampler: `queue_depth:${bad}` })).toBe(
        errorsBefore + 1,
      );
    } finally {
      stopGood();
      stopBad();
    }
  });

  it('records fan-out lag and job failures reported by other modules', async () => {
    const lagBefore = sample(await scrape(), 'fanout_lag_seconds_count') ?? 0;
    const job = uniqueName('job');
    observeFanoutLag(new Date(Date.now() - 40));
    metrics.jobFailures.inc({ job, outcome: 'retried' });
    const text = await scrape();
    expect(sample(text, 'fanout_lag_seconds_count')).toBe(lagBefore + 1);
    expect(sample(text, 'fanout_lag_seconds_bucket', { le: '0.025' })).toBeLessThan(lagBefore + 1);
    expect(sample(text, 'job_failures_total', { job, outcome: 'retried' })).toBe(1);
  });
});

describe('the ops server of a process without the API', () => {
  it('answers /healthz and /metrics on its own port, 404 elsewhere, and closes promptly', async () => {
    const log = pino({ level: 'silent' });
    const ops = await startOpsServer({ host: '127.0.0.1', port: 0, log });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('# TYPE job_failures_total counter');
      expect((await fetch(`${base}/api/rooms`)).status).toBe(404);
    } finally {
      await ops.close();
    }
    await expect(fetch(`http://127.0.0.1:${ops.port}/healthz`)).rejects.toThrow();
  });
});

describe('/metrics on the public port (issue 17, item 9)', () => {
  it('answers 401 without the metrics token or with a wrong one, and 200 with it', async () => {
    const bare = await app.server.inject({ url: '/metrics' });
    expect(bare.statusCode).toBe(401);
    expect(bare.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(bare.body).not.toContain('# TYPE');
    const wrong = await app.server.inject({
      url: '/metrics',
      headers: { authorization: `${metricsHeaders.authorization}x` },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await app.server.inject({ url: '/metrics', headers: metricsHeaders });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('is an unknown path (404) when no METRICS_TOKEN is configured', async () => {
    const tokenless = await buildTestApp({
      config: { metricsToken: undefined, frontendDist: '/nonexistent-frontend-dist' },
    });
    try {
      const scraped = await tokenless.server.inject({ url: '/metrics', headers: metricsHeaders });
      const unknown = await tokenless.server.inject({ url: '/no-such-path' });
      expect(scraped.statusCode).toBe(404);
      expect(scraped.json()).toMatchObject({ status: 404, code: 'not_found' });
      expect(unknown.statusCode).toBe(404);
    } finally {
      await tokenless.close();
    }
  });

  it('a `make run` process serves /metrics on METRICS_PORT without credentials, never on PORT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'metrics-port-'));
    const metricsPort = await freePort();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts', 'all'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
      // No METRICS_TOKEN: as `make run` starts it.
      env: {
        PATH: process.env.PATH,
        ...testProcessEnv,
        DATA_DIR: dataDir,
        METRICS_PORT: String(metricsPort),
      },
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (text) => {
          if (text.includes('"msg":"listening"')) resolve(String((JSON.parse(text) as { url: string }).url));
        });
        void exited.then((code) => reject(new Error(`server exited with ${String(code)} before listening`)));
      });
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { headers: metricsHeaders })).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('# TYPE http_request_duration_seconds histogram');
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
