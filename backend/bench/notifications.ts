/**
 * Notifications throughput: mention → email accepted by an SMTP server, end to end (outbox, relay,
 * queue, worker re-checks, digest, SMTP). `node --conditions=source --import tsx bench/notifications.ts
 * [--services] [--count 1000] [--concurrency 4]` from `backend/`. Embedded: PGlite + in-process
 * queue; `--services`: PostgreSQL + RabbitMQ on this machine. The SMTP server is an in-process sink.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { roomParticipants, rooms, users } from '../src/db/schema.js';
import { createMemoryBus } from '../src/bus/memory-bus.js';
import { createMemoryPresence } from '../src/presence/memory-presence.js';
import { createMemoryQueue } from '../src/queue/memory-queue.js';
import { createRabbitQueue } from '../src/queue/rabbitmq-queue.js';
import { defaultRetryPolicy } from '../src/queue/job-queue.js';
import { topologyNames } from '../src/queue/topology.js';
import type { JobQueue } from '../src/queue/job-queue.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { sendMessage } from '../src/services/messages/send-message.js';
import type { AppContext } from '../src/services/context.js';
import { createContext } from '../src/services/context.js';
import { startWorker } from '../src/worker/worker.js';
import { testConfig } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import { deleteTopology, runPrefix } from '../test/support/job-queues.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import { services } from '../test/support/services.js';

const { values: args } = parseArgs({
  options: {
    services: { type: 'boolean', default: false },
    count: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const total = Number(args.count);
const concurrency = Number(args.concurrency);
const perMessage = 20;
const log = pino({ level: 'warn' });

async function main() {
  const mode = args.services ? 'services' : 'embedded';
  const database = await createTestDatabase(mode);
  const sink = await startSmtpSink();
  const prefix = runPrefix();
  const queue: JobQueue = args.services
    ? createRabbitQueue({
        url: services.rabbitmq,
        log,
        prefix,
        connectionName: `messaging-app bench ${prefix}`,
      })
    : createMemoryQueue();
  const mailer = createSmtpMailer({ url: sink.url, from: 'bench <bench@example.test>' });
  const ctx: AppContext = createContext({
    config: testConfig({ emailDelayMs: 0 }),
    db: database.database.db,
    bus: createMemoryBus(),
    presence: createMemoryPresence(),
    log,
  });
  try {
    const stamp = Date.now().toString(36);
    const [sender] = await ctx.db
      .insert(users)
      .values({
        username: `bench_s_${stamp}`,
        email: `s_${stamp}@example.test`,
        displayName: 'Sender',
        passwordHash: 'x',
      })
      .returning();
    const recipients = await ctx.db
      .insert(users)
      .values(
        Array.from({ length: total * 2 }, (_, i) => ({
          username: `bench_${stamp}_${i}`,
          email: `r${i}_${stamp}@example.test`,
          displayName: `Recipient ${i}`,
          passwordHash: 'x',
        })),
      )
      .returning();
    const [room] = await ctx.db
      .insert(rooms)
      .values({ name: `bench-${stamp}`, visibility: 'public' })
      .returning();
    if (!sender || !room) throw new Error('setup failed');
    await ctx.db
      .insert(roomParticipants)
      .values(
        [sender, ...recipients].map((u) => ({ roomId: room.id, userId: u.id, role: 'member' as const })),
      );

    const post = async (from: number, to: number) => {
      for (let i = from; i < to; i += perMessage) {
        const names = recipients.slice(i, Math.min(i + perMessage, to)).map((r) => `@${r.username}`);
        await sendMessage(ctx, {
          userId: sender.id,
          roomId: room.id,
          body: `${names.join(' ')} standup in 5`,
        });
      }
    };

    // 1. A backlog: `total` notifications pending before any worker runs, then drained.
    await post(0, total);
    let worker = startWorker({ ctx, queue, mailer, concurrency });
    const drainStart = performance.now();
    await sink.waitFor((m) => m.length >= total, 300_000);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    await worker.stop();

    // 2. Live: mentions posted while the worker runs, first post → last email accepted.
    worker = startWorker({ ctx, queue, mailer, concurrency });
    const liveStart = performance.now();
    await post(total, total * 2);
    const postSeconds = (performance.now() - liveStart) / 1000;
    await sink.waitFor((m) => m.length >= total * 2, 300_000);
    const liveSeconds = (performance.now() - liveStart) / 1000;
    await worker.stop();

    const line = (label: string, n: number, s: number) =>
      `${label.padEnd(44)} ${String(n).padStart(5)} in ${s.toFixed(2).padStart(6)} s = ${(n / s).toFixed(0).padStart(5)}/s`;
    process.stdout.write(
      [
        `notifications bench (${mode}: ${args.services ? 'PostgreSQL + RabbitMQ' : 'PGlite + in-process queue'}, SMTP sink, worker concurrency ${concurrency})`,
        line('backlog drained (pending → email accepted)', total, drainSeconds),
        line('mentions posted (commit incl. outbox rows)', total, postSeconds),
        line('live end to end (first post → last email)', total, liveSeconds),
        `emails received: ${sink.mails.length} for ${total * 2} notifications`,
        '',
      ].join('\n'),
    );
  } finally {
    await queue.close();
    if (args.services) await deleteTopology(topologyNames(prefix, defaultRetryPolicy));
    await mailer.close();
    await sink.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
