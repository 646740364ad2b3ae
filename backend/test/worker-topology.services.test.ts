import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pino from 'pino';
import { createRabbitQueue } from '../src/queue/rabbitmq-queue.js';
import { defaultRetryPolicy } from '../src/queue/job-queue.js';
import { topologyNames } from '../src/queue/topology.js';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { createEmailDeployment } from './support/email-backend.js';
import type { EmailDeployment, Started } from './support/email-backend.js';
import { deleteTopology } from './support/job-queues.js';
import { eventually } from './support/eventually.js';
import { services } from './support/services.js';

const run = promisify(execFile);

/** The broker's view of the queues under `namespace`: name → consumer count. */
async function consumersOf(namespace: string): Promise<Map<string, number>> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_queues',
    'name',
    'consumers',
    '--no-table-headers',
  ]);
  return new Map(
    stdout
      .split('\n')
      .filter((line) => line.startsWith(namespace))
      .map((line) => {
        const [name = '', consumers = '0'] = line.split('\t');
        return [name, Number(consumers)] as const;
      }),
  );
}

describe('a worker on a fresh broker prefix', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let deployment: EmailDeployment;
  let worker: Started;
  // No trailing separator: the app adds the ".".
  const prefix = `test-${uniqueName('fresh')}`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    deployment = await createEmailDeployment(sink.url);
    app = await buildTestApp({ mode: 'services', sharing: undefined });
  });
  afterAll(async () => {
    await worker?.process.stop('SIGKILL');
    await deleteTopology(topologyNames(prefix, defaultRetryPolicy));
    await deployment?.destroy();
    await app?.close();
    await sink?.close();
  });

  it('started before any API, declares the whole topology, consumes, and says so on /readyz', async () => {
    worker = await deployment.start('worker', {
      DATABASE_URL: app.db.url ?? '',
      RABBITMQ_PREFIX: prefix,
    });
    const names = topologyNames(prefix, defaultRetryPolicy);
    expect(names.queue).toBe(`${prefix}.notifications.email`);
    await eventually(
      async () => {
        const response = await fetch(`${worker.url}/readyz`);
        const body = (await response.json()) as { checks: Record<string, string> };
        return response.status === 200 && body.checks['email-consumer'] === 'up';
      },
      'the worker ready with its consumer',
      30_000,
    );
    // The broker counts a consumer a moment after the worker's consume-ok: await it like any event.
    await eventually(
      async () => (await consumersOf(`${prefix}.`)).get(names.queue) === 1,
      'one consumer on the work queue',
      30_000,
    );
    const queues = await consumersOf(`${prefix}.`);
    expect(queues.get(names.queue)).toBe(1);
    for (const queue of [names.deadQueue, names.delayQueue, ...names.retryQueues])
      expect(queues.has(queue)).toBe(true);

    // Nothing published before: the first job, from this app's outbox via the worker's relay, is consumed.
    const owner = await registerUser(app.server);
    const bob = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await joinRoom(app.server, bob, room.id);
    await postMessage(app.server, owner, room.id, `@${bob.user.username} first job on a fresh broker`);
    await sink.waitFor(() => sink.to(bob.user.email).length === 1, 30_000);
  }, 120_000);

  it('logs and counts a job for a user its database does not have', async () => {
    const publisher = createRabbitQueue({
      url: services.rabbitmq,
      log: pino({ level: 'silent' }),
      prefix,
      connectionName: `messaging-app test ${prefix}`,
    });
    const stranger = randomUUID();
    try {
      await publisher.publish({ notificationId: randomUUID(), userId: stranger });
    } finally {
      await publisher.close();
    }
    await eventually(
      () => worker.process.output().includes(stranger),
      'the warning about the unknown user',
      30_000,
    );
    const line =
      worker.process
        .output()
        .split('\n')
        .find((l) => l.includes(stranger)) ?? '';
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      msg: 'email job for a user this database does not have',
    });
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/email_jobs_total\{outcome="unknown_user"\} 1/);
  }, 60_000);
});
