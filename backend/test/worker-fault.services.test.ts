import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { Connection } from 'rabbitmq-client';
import { notifications, outbox, roomParticipants, users } from '../src/db/schema.js';
import { topologyNames } from '../src/queue/topology.js';
import { defaultRetryPolicy } from '../src/queue/job-queue.js';
import { defaultEmailConcurrency } from '../src/worker/worker.js';
import { buildTestApp, testSecret } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { deleteTopology, runPrefix } from './support/job-queues.js';
import { spawnBackend } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';
import { eventually } from './support/eventually.js';
import { services } from './support/services.js';

const run = promisify(execFile);
const recipientsCount = 200;
const kills = 2;
const perMessage = 20;

/** Closes, from the broker's side, every connection whose client name contains `name`. */
async function closeBrokerConnections(name: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    'pid',
    'client_properties',
    '--no-table-headers',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`"${name}"`))
    .map((line) => line.split('\t')[0] ?? '');
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, 'fault test']);
  return pids.length;
}

describe('the email pipeline under faults', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let dataDir: string;
  const prefix = runPrefix();
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    app = await buildTestApp({ mode: 'services' });
    sink = await startSmtpSink();
    dataDir = await mkdtemp(join(tmpdir(), 'fault-worker-'));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await deleteTopology(topologyNames(prefix, defaultRetryPolicy));
    await sink?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function startWorker(): WorkerProcess {
    const worker = spawnBackend('worker', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_SECRET: testSecret,
      DATA_DIR: dataDir,
      DATABASE_URL: app.db.url ?? '',
      RABBITMQ_URL: services.rabbitmq,
      RABBITMQ_PREFIX: prefix,
      SMTP_URL: sink.url,
      EMAIL_DELAY: '0.05',
      EMAIL_RETRY_DELAY: '0.05',
      // Time scaled down: a SIGKILL mid-SMTP leaves a claim that a later sender takes over once its
      // lease runs out, and a job acked while that claim was held is queued again by the sweeper.
      // The lease stays well above one sending on a loaded machine: a shorter one lets a second
      // sender take a live claim, which is a duplicate (same Message-ID) that no crash caused.
      EMAIL_CLAIM_LEASE: '20',
      EMAIL_SWEEP_INTERVAL: '1',
      EMAIL_SWEEP_GRACE: '1',
      PUBLIC_URL: 'https://chat.example.test',
    });
    workers.push(worker);
    return worker;
  }

  const emailed = async () => {
    const [row] = await app.ctx.db
      .select({ n: count() })
      .from(notifications)
      .where(isNotNull(notifications.emailedAt));
    return row?.n ?? 0;
  };

  it('delivers every expected email exactly once through two SIGKILLs and a broker-side disconnect', async () => {
    const sender = await registerUser(app.server);
    const room = await createRoom(app.server, sender);
    // Recipients are inserted directly: 200 password hashes would only slow the test down.
    const recipients = await app.ctx.db
      .insert(users)
      .values(
        Array.from({ length: recipientsCount }, () => {
          const username = uniqueName('r');
          return {
            username,
            email: `${username}@example.test`,
            displayName: username,
            passwordHash: 'unused',
          };
        }),
      )
      .returning({ id: users.id, username: users.username, email: users.email });
    await app.ctx.db
      .insert(roomParticipants)
      .values(recipients.map((r) => ({ roomId: room.id, userId: r.id, role: 'member' as const })));
    let posted = 0;
    const post = async (messagesToPost: number) => {
      for (let i = 0; i < messagesToPost; i += 1) {
        const batch = recipients.slice(posted, posted + perMessage);
        posted += batch.length;
        await postMessage(
          app.server,
          sender,
          room.id,
          batch.map((r) => `@${r.username}`).join(' ') + ' standup',
        );
      }
    };

    // 1. A worker starts; mentions pour in; it is SIGKILLed mid-stream.
    let worker = startWorker();
    await post(5);
    await eventually(async () => (await emailed()) >= 30, '30 emails', 30_000);
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');

    // 2. More mentions while no worker runs; a new worker picks everything up; the broker drops it.
    await post(3);
    worker = startWorker();
    await eventually(async () => (await emailed()) >= 90, '90 emails', 30_000);
    expect(await closeBrokerConnections(`messaging-app worker ${prefix}`.trim())).toBeGreaterThan(0);

    // 3. The rest of the mentions; a second SIGKILL; a third worker finishes.
    await post(2);
    await eventually(async () => (await emailed()) >= 150, '150 emails', 30_000);
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
    worker = startWorker();
    await eventually(async () => (await emailed()) === recipientsCount, 'every notification emailed', 60_000);

    // Drain: every outbox row published and every queue empty, then a graceful stop.
    const names = topologyNames(prefix, defaultRetryPolicy);
    const admin = new Connection({ url: services.rabbitmq, connectionName: `messaging-app test ${prefix}` });
    admin.on('error', () => undefined);
    try {
      await eventually(
        async () => {
          const [pending] = await app.ctx.db.select({ n: count() }).from(outbox).where(isNull(outbox.sentAt));
          if ((pending?.n ?? 0) > 0) return false;
          for (const queue of [names.queue, names.delayQueue, ...names.retryQueues]) {
            if ((await admin.queueDeclare({ queue, passive: true })).messageCount > 0) return false;
          }
          return true;
        },
        'drained queues',
        30_000,
      );
    } finally {
      await admin.close();
    }
    expect(await worker.stop('SIGTERM')).toBe('0');

    expect(posted).toBe(recipientsCount);
    // Exactly one digest per recipient. A SIGKILL between the SMTP server's acceptance and
    // `emailed_at` makes the next sender send that claim again, with the same Message-ID (the
    // documented guarantee, docs/architecture.md "Email delivery"): at most one such copy per
    // job in flight at the kill.
    const digests = new Map<string, Set<string | undefined>>();
    for (const mail of sink.mails)
      for (const to of mail.to) digests.set(to, (digests.get(to) ?? new Set()).add(mail.messageId));
    const missing = recipients.filter((r) => !digests.has(r.email.toLowerCase()));
    const twice = [...digests.entries()].filter(([, ids]) => ids.size !== 1 || ids.has(undefined));
    expect({ missing: missing.length, twice }).toEqual({ missing: 0, twice: [] });
    const copies = sink.mails.length - recipientsCount;
    expect(copies).toBeGreaterThanOrEqual(0);
    expect(copies).toBeLessThanOrEqual(kills * defaultEmailConcurrency);
    const [unmarked] = await app.ctx.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.type, 'mention'), isNull(notifications.emailedAt)));
    expect(unmarked?.n).toBe(0);
  }, 180_000);
});
