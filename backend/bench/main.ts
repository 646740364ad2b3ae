/**
 * The load benchmark: `npm run bench [-- --scenario idle|fanout|saturation|security|search|all] [--quick]`.
 * Starts role `all` on PostgreSQL + Redis, populates users and rooms over the API, then drives
 * WebSocket clients from worker threads (so the generator is not the bottleneck) and prints sent,
 * delivered, lost, deliveries/s, send→receive latency and the server's CPU and RSS.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { startServer } from './server.js';
import type { BenchServer } from './server.js';
import { populate } from './setup.js';
import type { Member } from './setup.js';
import { merge, mib, ms, quantile } from './stats.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker.js';
import { security } from './security/index.js';
import { searchBench } from './search.js';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    quick: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    postgres: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    redis: { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const quick = args.quick;
const workerCount = Number(args.workers);
const scenarios =
  args.scenario === 'all' ? ['idle', 'fanout', 'saturation', 'security', 'search'] : [String(args.scenario)];
const shape = quick
  ? { users: 200, rooms: 4, senders: 20, rate: 200, seconds: 5, idle: 1000 }
  : { users: 1000, rooms: 10, senders: 100, rate: 1000, seconds: 20, idle: 10_000 };
if (args.rate) shape.rate = Number(args.rate);
if (args.seconds) shape.seconds = Number(args.seconds);
const print = (line = '') => process.stdout.write(line + '\n');

class Generator {
  private constructor(
    private readonly workers: Worker[],
    private readonly pending: ((m: FromWorker) => void)[][],
  ) {}

  /** Spreads the clients over worker threads and resolves when every socket is subscribed. */
  static async start(wsUrl: string, clients: WorkerInit['clients']): Promise<Generator> {
    const workers: Worker[] = [];
    const pending: ((m: FromWorker) => void)[][] = [];
    const ready: Promise<FromWorker>[] = [];
    for (let w = 0; w < workerCount; w += 1) {
      const share = clients.filter((_, i) => i % workerCount === w);
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: { wsUrl, clients: share } satisfies WorkerInit,
      });
      const queue: ((m: FromWorker) => void)[] = [];
      worker.on('message', (m: FromWorker) => queue.shift()?.(m));
      worker.on('error', (error) => {
        throw error;
      });
      ready.push(new Promise((resolve) => queue.push(resolve)));
      workers.push(worker);
      pending.push(queue);
    }
    for (const m of await Promise.all(ready)) if (m.type === 'failed') throw new Error(m.error);
    return new Generator(workers, pending);
  }

  /** Waits until the server has answered every send of earlier windows; returns how many are still open. */
  async settle(): Promise<number> {
    const answers = this.workers.map(
      (worker, w) =>
        new Promise<FromWorker>((resolve) => {
          this.pending[w]?.push(resolve);
          worker.postMessage({ type: 'settle' } satisfies ToWorker);
        }),
    );
    let outstanding = 0;
    for (const answer of await Promise.all(answers))
      if (answer.type === 'settled') outstanding += answer.outstanding;
    return outstanding;
  }

  /** One measured window at `rate` messages/s in total. */
  async run(rate: number, seconds: number) {
    // One window for every worker: a message counts wherever it is received.
    const startAt = performance.timeOrigin + performance.now() + 200;
    const reports = this.workers.map(
      (worker, w) =>
        new Promise<FromWorker>((resolve) => {
          this.pending[w]?.push(resolve);
          worker.postMessage({
            type: 'start',
            ratePerSecond: rate / this.workers.length,
            durationMs: seconds * 1000,
            drainMs: 3000,
            startAt,
          } satisfies ToWorker);
        }),
    );
    const results = await Promise.all(reports);
    const totals = { sent: 0, acked: 0, errors: 0, delivered: 0, dropped: 0 };
    const parts: Float64Array[] = [];
    for (const r of results) {
      if (r.type !== 'report') throw new Error('a worker failed');
      totals.sent += r.sent;
      totals.acked += r.acked;
      totals.errors += r.errors;
      totals.delivered += r.delivered;
      totals.dropped += r.dropped;
      parts.push(r.latencies);
    }
    return { ...totals, latencies: merge(parts) };
  }

  async stop() {
    for (const worker of this.workers) worker.postMessage({ type: 'close' } satisfies ToWorker);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface Window {
  rate: number;
  deliveriesPerSecond: number;
  p99: number;
  lost: number;
}

async function measure(
  server: BenchServer,
  generator: Generator,
  rate: number,
  seconds: number,
  roomSize: number,
): Promise<Window> {
  const backlog = await generator.settle();
  if (backlog > 0) print(`  (the server still owed ${backlog} answers from the previous window after 60 s)`);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rssBytes())), 250);
  const cpuBefore = server.cpuSeconds();
  const started = Date.now();
  const result = await generator.run(rate, seconds);
  const elapsed = (Date.now() - started) / 1000 - 3; // minus the drain
  const cpu = (server.cpuSeconds() - cpuBefore) / (elapsed + 3);
  clearInterval(sampler);
  // Every send of the window should reach every member of its room before the drain ends.
  const expected = (result.sent - result.errors) * roomSize;
  const lost = expected - result.delivered;
  const l = result.latencies;
  const window: Window = {
    rate,
    deliveriesPerSecond: result.delivered / seconds,
    p99: quantile(l, 0.99),
    lost,
  };
  print(
    `  rate ${rate} msg/s for ${seconds} s: sent ${result.sent}, acked ${result.acked}, send errors ${result.errors}, ` +
      `delivered ${result.delivered} of ${expected}, lost ${lost}, sockets dropped ${result.dropped}`,
  );
  print(
    `    deliveries/s ${Math.round(window.deliveriesPerSecond)}; latency p50 ${ms(quantile(l, 0.5))}, p95 ${ms(quantile(l, 0.95))}, ` +
      `p99 ${ms(window.p99)}, max ${ms(l[l.length - 1] ?? Number.NaN)}; server CPU ${(cpu * 100).toFixed(0)}% of one core, peak RSS ${mib(peakRss)}`,
  );
  return window;
}

function clientsOf(members: Member[], senders: number, roomCount: number): WorkerInit['clients'] {
  // Senders spread evenly over the rooms: the first `senders / rooms` members of each room.
  const perRoom = Math.ceil(members.length / roomCount);
  const sendersPerRoom = Math.ceil(senders / roomCount);
  return members.map((m, i) => ({
    token: m.token,
    roomId: m.roomId,
    sender: i % perRoom < sendersPerRoom,
    subscribe: true,
  }));
}

async function idle(server: BenchServer, members: Member[]) {
  print(`idle: ${shape.idle} authenticated, subscribed, silent sockets`);
  const before = server.rssBytes();
  const clients = Array.from({ length: shape.idle }, (_, i) => {
    const m = members[i % members.length] as Member;
    return { token: m.token, roomId: m.roomId, sender: false, subscribe: true };
  });
  const generator = await Generator.start(server.url.replace('http', 'ws') + '/ws', clients);
  const after = server.rssBytes();
  print(
    `  server RSS ${mib(before)} → ${mib(after)}: ${((after - before) / shape.idle / 1024).toFixed(1)} KiB per socket`,
  );
  await generator.stop();
}

async function main() {
  if (scenarios.includes('security')) {
    await security({ postgres: args.postgres, redis: args.redis }, print, quick);
  }
  if (scenarios.includes('search')) {
    await searchBench({ postgres: args.postgres, redis: args.redis }, print, quick);
  }
  if (!scenarios.some((s) => ['idle', 'fanout', 'saturation'].includes(s))) return;
  print(`starting role all on PostgreSQL + Redis${quick ? ' (quick shape)' : ''}…`);
  const server = await startServer({ postgres: args.postgres, redis: args.redis });
  try {
    const began = Date.now();
    const members = await populate(server.url, shape.users, shape.rooms);
    const roomSize = shape.users / shape.rooms;
    print(
      `populated ${shape.users} users in ${shape.rooms} rooms of ${roomSize} in ${((Date.now() - began) / 1000).toFixed(1)} s; server RSS ${mib(server.rssBytes())}`,
    );
    if (scenarios.includes('idle')) await idle(server, members);
    if (!scenarios.includes('fanout') && !scenarios.includes('saturation')) return;
    const generator = await Generator.start(
      server.url.replace('http', 'ws') + '/ws',
      clientsOf(members, shape.senders, shape.rooms),
    );
    try {
      if (scenarios.includes('fanout')) {
        print(
          `fanout: ${shape.users} clients, ${shape.rooms} rooms of ${roomSize}, ${shape.senders} senders`,
        );
        await measure(server, generator, shape.rate, shape.seconds, roomSize);
      }
      if (scenarios.includes('saturation')) {
        print('saturation: raise the rate until p99 > 100 ms or a delivery is lost');
        let best: Window | undefined;
        // Start well below the fan-out rate so the answer is a figure even when fan-out misses.
        for (let rate = Math.round(shape.rate / 8); ; rate = Math.round(rate * 1.25)) {
          const window = await measure(server, generator, rate, quick ? 5 : 10, roomSize);
          if (window.p99 > 100 || window.lost > 0) break;
          best = window;
        }
        print(
          best
            ? `  highest passing: ${Math.round(best.deliveriesPerSecond)} deliveries/s at ${best.rate} msg/s (p99 ${ms(best.p99)})`
            : `  no rate passed: even ${Math.round(shape.rate / 8)} msg/s exceeded p99 100 ms or lost deliveries`,
        );
      }
    } finally {
      await generator.stop();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
