import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import type { App } from '../src/app.js';
import { createMemoryBus } from '../src/bus/memory-bus.js';
import { createMemoryPresence } from '../src/presence/memory-presence.js';
import { openDatabase } from '../src/db/client.js';
import type { Database } from '../src/db/client.js';
import { messages, outbox } from '../src/db/schema.js';
import { createMemoryQueue } from '../src/queue/memory-queue.js';
import { createFileMailer } from '../src/mail/file-mailer.js';
import { startWorker } from '../src/worker/worker.js';
import { testConfig, testSecret } from './support/app.js';
import { spawnBackend } from './support/worker-process.js';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { eventually } from './support/eventually.js';
import { createRoom, joinRoom, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { services } from './support/services.js';

/**
 * The API on PostgreSQL through a TCP proxy the test controls, so that connections can be reset,
 * stalled or refused in the middle of transactions. Verification reads go around the proxy.
 */
interface FaultyApp {
  app: App;
  proxy: TcpProxy;
  /** The same database, not through the proxy: what is really stored. */
  direct: TestDatabase;
  /** The app's own pool, through the proxy. */
  database: Database;
  connectionErrors: Error[];
}

const queryTimeoutMs = 1_000;

async function faultyApp(cleanup: (() => Promise<void>)[]): Promise<FaultyApp> {
  const direct = await createTestDatabase('services');
  cleanup.push(() => direct.drop());
  const { proxy, url } = await TcpProxy.inFrontOf(direct.url ?? '', 5432);
  cleanup.push(() => proxy.close());
  const connectionErrors: Error[] = [];
  const database = await openDatabase({
    databaseUrl: url,
    dataDir: 'memory://',
    poolSize: 5,
    queryTimeoutMs,
    connectTimeoutMs: queryTimeoutMs,
    onConnectionError: (error) => connectionErrors.push(error),
  });
  cleanup.push(() => database.close());
  const config = testConfig();
  const bus = createMemoryBus();
  const presence = createMemoryPresence();
  const app = await buildApp({
    config,
    database,
    bus,
    presence,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  await app.server.ready();
  cleanup.push(async () => {
    await app.server.close();
    await bus.close();
    await presence.close();
  });
  return { app, proxy, direct, database, connectionErrors };
}

/** Ends every backend of `database` but the caller's: what a failover or an administrator does. */
async function terminateBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: services.postgres });
  await admin.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const result = await admin.query<{ ended: boolean }>(
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    );
    return result.rows.filter((r) => r.ended).length;
  } finally {
    await admin.end();
  }
}

/** A 503 that says the database is unavailable, with a Retry-After: never a 500. */
function expectUnavailable(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body).toBe(503);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(response.json<{ code: string }>().code).toBe('unavailable');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

interface Send {
  clientMsgId: string;
  body: string;
  status?: number;
}

/** Sends until every message got a 201 (or a 200: an earlier try was stored); returns the first statuses. */
async function retryUntilStored(app: App, user: TestUser, roomId: string, sends: Send[]): Promise<void> {
  for (const send of sends.filter((s) => s.status !== 201)) {
    await eventually(async () => {
      const response = await post(app, user, roomId, send);
      if (process.env.DEBUG_FAULTS) console.log(response.statusCode, response.body.slice(0, 200));
      return response.statusCode === 201 || response.statusCode === 200;
    }, `message ${send.clientMsgId} to be stored after recovery`);
  }
}

function post(app: App, user: TestUser, roomId: string, send: Send) {
  return app.server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/messages`,
    headers: user.headers,
    payload: { body: send.body, clientMsgId: send.clientMsgId },
  });
}

/** Every message stored exactly once, in gap-free seq order. */
async function expectStoredOnce(direct: TestDatabase, sends: Send[]): Promise<void> {
  const rows = await direct.database.db
    .select({ clientMsgId: messages.clientMsgId, seq: messages.seq })
    .from(messages)
    .where(
      inArray(
        messages.clientMsgId,
        sends.map((s) => s.clientMsgId),
      ),
    );
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(String(row.clientMsgId), (counts.get(String(row.clientMsgId)) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  expect(counts.size).toBe(sends.length);
  expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
}

/**
 * Fires `count` sends at once (the pool of 5 queues the rest) and runs `fault` once `after` of them
 * answered: transactions are open on every connection at that moment.
 */
async function burstWithFault(
  app: App,
  user: TestUser,
  roomId: string,
  count: number,
  after: number,
  fault: () => Promise<void> | void,
): Promise<{ sends: Send[]; statuses: Record<number, number>; faulted: Promise<void> }> {
  const sends: Send[] = Array.from({ length: count }, (_, i) => ({
    clientMsgId: randomUUID(),
    body: `burst ${i}`,
  }));
  let answered = 0;
  let faulted: Promise<void> = Promise.resolve();
  const responses = await Promise.all(
    sends.map(async (send) => {
      const response = await post(app, user, roomId, send);
      send.status = response.statusCode;
      answered += 1;
      if (answered === after) faulted = Promise.resolve(fault());
      return response;
    }),
  );
  await faulted;
  for (const response of responses) {
    if (response.statusCode !== 201) expectUnavailable(response);
  }
  const statuses: Record<number, number> = {};
  for (const send of sends) statuses[send.status ?? 0] = (statuses[send.status ?? 0] ?? 0) + 1;
  return { sends, statuses, faulted };
}

describe('database faults are request failures, not process failures', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function scene(faulty: FaultyApp) {
    const owner = await registerUser(faulty.app.server);
    const member = await registerUser(faulty.app.server);
    const room = await createRoom(faulty.app.server, owner, { visibility: 'public' });
    await joinRoom(faulty.app.server, member, room.id);
    return { owner, member, room };
  }

  it('connections reset mid-transaction during sends and joins answer 503; every 201 is stored once; then all works', async () => {
    const faulty = await faultyApp(cleanup);
    const { owner, member, room } = await scene(faulty);
    const joiners = await Promise.all(Array.from({ length: 6 }, () => registerUser(faulty.app.server)));
    const joins = joiners.map((joiner) =>
      faulty.app.server.inject({
        method: 'POST',
        url: `/api/rooms/${room.id}/join`,
        headers: joiner.headers,
      }),
    );
    const burst = await burstWithFault(faulty.app, member, room.id, 60, 10, () => faulty.proxy.cut());
    const joined = await Promise.all(joins);
    for (const response of joined) if (response.statusCode !== 200) expectUnavailable(response);
    console.log(
      `[db-faults] reset mid-transaction: sends ${JSON.stringify(burst.statuses)}, joins ${JSON.stringify(joined.map((r) => r.statusCode))}, connection errors heard ${faulty.connectionErrors.length}`,
    );
    expect(burst.statuses[503] ?? 0).toBeGreaterThan(0);
    expect(faulty.connectionErrors.length).toBeGreaterThan(0);

    await retryUntilStored(faulty.app, member, room.id, burst.sends);
    await expectStoredOnce(faulty.direct, burst.sends);
    for (const joiner of joiners) await joinRoom(faulty.app.server, joiner, room.id);
    // No connection leaked: the whole pool serves at once again.
    const after = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(faulty.app, member, room.id, { clientMsgId: randomUUID(), body: `after ${i}` }),
      ),
    );
    expect(after.map((r) => r.statusCode)).toEqual(after.map(() => 201));
    const history = await faulty.app.server.inject({
      url: `/api/rooms/${room.id}/messages?limit=100`,
      headers: owner.headers,
    });
    expect(history.statusCode).toBe(200);
    const bodies = history.json<{ messages: { body: string }[] }>().messages.map((m) => m.body);
    expect(bodies.filter((b) => b.startsWith('burst ')).sort()).toEqual(
      burst.sends.map((s) => s.body).sort(),
    );
  });

  it('pg_terminate_backend during a burst of sends answers 503; every 201 is stored once; then all works', async () => {
    const faulty = await faultyApp(cleanup);
    const { member, room } = await scene(faulty);
    let ended = 0;
    const burst = await burstWithFault(faulty.app, member, room.id, 60, 10, async () => {
      ended = await terminateBackends(faulty.direct.url ?? '');
    });
    console.log(
      `[db-faults] pg_terminate_backend: ${ended} backends ended, sends ${JSON.stringify(burst.statuses)}`,
    );
    expect(ended).toBeGreaterThan(0);
    expect(burst.statuses[503] ?? 0).toBeGreaterThan(0);
    await retryUntilStored(faulty.app, member, room.id, burst.sends);
    await expectStoredOnce(faulty.direct, burst.sends);
  });

  it('while the database refuses connections: 503 with Retry-After and /readyz unready; ready and serving once it is back', async () => {
    const faulty = await faultyApp(cleanup);
    const { member, room } = await scene(faulty);
    expect((await faulty.app.server.inject({ url: '/readyz' })).statusCode).toBe(200);

    faulty.proxy.refuse(true);
    faulty.proxy.cut();
    const send: Send = { clientMsgId: randomUUID(), body: 'during the outage' };
    expectUnavailable(await post(faulty.app, member, room.id, send));
    expectUnavailable(
      await faulty.app.server.inject({ url: `/api/rooms/${room.id}/messages`, headers: member.headers }),
    );
    const unready = await faulty.app.server.inject({ url: '/readyz' });
    expect(unready.statusCode).toBe(503);
    expect(unready.json()).toMatchObject({ status: 'unready', checks: { database: 'down' } });
    // Liveness stays green: restarting the process would not bring the database back.
    expect((await faulty.app.server.inject({ url: '/healthz' })).statusCode).toBe(200);

    faulty.proxy.refuse(false);
    await eventually(
      async () => (await faulty.app.server.inject({ url: '/readyz' })).statusCode === 200,
      '/readyz to turn ready again',
    );
    expect((await post(faulty.app, member, room.id, send)).statusCode).toBe(201);
    await expectStoredOnce(faulty.direct, [send]);
  });

  it('a stalled database: requests answer 503 after the query timeout instead of hanging; all works after it resumes', async () => {
    const faulty = await faultyApp(cleanup);
    const { member, room } = await scene(faulty);
    faulty.proxy.stall();
    const sends: Send[] = Array.from({ length: 8 }, (_, i) => ({
      clientMsgId: randomUUID(),
      body: `stalled ${i}`,
    }));
    const [answers, ready] = await Promise.all([
      Promise.all(sends.map((send) => post(faulty.app, member, room.id, send))),
      faulty.app.server.inject({ url: '/readyz' }),
    ]);
    for (const answer of answers) expectUnavailable(answer);
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { database: 'down' } });

    faulty.proxy.resume();
    await eventually(
      async () => (await faulty.app.server.inject({ url: '/readyz' })).statusCode === 200,
      '/readyz to turn ready again',
    );
    await retryUntilStored(faulty.app, member, room.id, sends);
    await expectStoredOnce(faulty.direct, sends);
  });

  it('the outbox relay survives connection resets inside its transactions and relays what comes after', async () => {
    const faulty = await faultyApp(cleanup);
    const { owner, member, room } = await scene(faulty);
    const dataDir = mkdtempSync(join(tmpdir(), 'messaging-app-mail-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const queue = createMemoryQueue();
    const worker = startWorker({
      ctx: faulty.app.ctx,
      queue,
      mailer: createFileMailer({ dataDir, from: 'test <t@example.test>', log: faulty.app.ctx.log }),
      relay: { pollMs: 5, minBackoffMs: 5, maxBackoffMs: 50 },
    });
    cleanup.push(async () => {
      await worker.stop();
      await queue.close();
    });
    const pending = async () =>
      (await faulty.direct.database.db.select({ sentAt: outbox.sentAt }).from(outbox)).filter(
        (r) => !r.sentAt,
      ).length;
    // The relay polls every 5 ms, each poll a transaction: cuts land inside some of them.
    const resets = faulty.connectionErrors.length;
    for (let i = 0; i < 20; i++) {
      await post(faulty.app, owner, room.id, {
        clientMsgId: randomUUID(),
        body: `@${member.user.username} ${i}`,
      });
      faulty.proxy.cut();
    }
    expect(faulty.connectionErrors.length).toBeGreaterThan(resets);
    const after: Send = { clientMsgId: randomUUID(), body: `@${member.user.username} after the resets` };
    await retryUntilStored(faulty.app, owner, room.id, [after]);
    await eventually(async () => (await pending()) === 0, 'the relay to publish every outbox row');
  });
});

describe('a real API process under database faults', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('stays up through resets, pg_terminate_backend and an outage, answers 503 meanwhile, and recovers by itself', async () => {
    const direct = await createTestDatabase('services');
    cleanup.push(() => direct.drop());
    const { proxy, url } = await TcpProxy.inFrontOf(direct.url ?? '', 5432);
    cleanup.push(() => proxy.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'messaging-app-faults-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const server = spawnBackend('all', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_SECRET: testSecret,
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      DATABASE_QUERY_TIMEOUT_MS: String(queryTimeoutMs),
      DATABASE_CONNECT_TIMEOUT_MS: String(queryTimeoutMs),
      RATE_LIMIT_API_PER_MINUTE: '1000000',
      RATE_LIMIT_MESSAGES_PER_SECOND: '1000000',
      RATE_LIMIT_MESSAGE_BURST: '1000000',
    });
    cleanup.push(async () => void (await server.stop('SIGKILL')));
    let base = '';
    await eventually(
      () => {
        base = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1] ?? '';
        return base !== '' || server.child.exitCode !== null;
      },
      'the server to listen',
      60_000,
    );
    expect(base, server.output()).not.toBe('');
    const call = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
      const response = await fetch(base + path, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
    };
    const username = `faults${randomUUID().slice(0, 8)}`;
    const registered = await call('/api/auth/register', {
      method: 'POST',
      body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
    });
    expect(registered.status, registered.text).toBe(201);
    const token = (JSON.parse(registered.text) as { accessToken: string }).accessToken;
    const created = await call('/api/rooms', {
      method: 'POST',
      token,
      body: { name: `r${username}`, visibility: 'public' },
    });
    const roomId = (JSON.parse(created.text) as { id: string }).id;
    const sends: Send[] = [];
    const send = async (item: Send) => {
      const answer = await call(`/api/rooms/${roomId}/messages`, {
        method: 'POST',
        token,
        body: { body: item.body, clientMsgId: item.clientMsgId },
      });
      item.status ??= answer.status;
      if (answer.status !== 201 && answer.status !== 200) {
        expect(answer.status, answer.text).toBe(503);
        expect(JSON.parse(answer.text)).toMatchObject({ code: 'unavailable' });
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      return answer.status;
    };
    const burst = async (count: number, fault: () => unknown) => {
      const items = Array.from({ length: count }, () => ({
        clientMsgId: randomUUID(),
        body: `p${sends.length}-${randomUUID()}`,
      }));
      sends.push(...items);
      let answered = 0;
      let faulted: Promise<unknown> = Promise.resolve();
      await Promise.all(
        items.map(async (item) => {
          await send(item);
          answered += 1;
          if (answered === 8) faulted = Promise.resolve(fault());
        }),
      );
      await faulted;
    };

    await burst(40, () => proxy.cut());
    await burst(40, () => terminateBackends(direct.url ?? ''));
    proxy.refuse(true);
    proxy.cut();
    const outage: Send = { clientMsgId: randomUUID(), body: 'during the outage' };
    sends.push(outage);
    expect(await send(outage)).toBe(503);
    expect((await call('/readyz')).status).toBe(503);
    expect(server.child.exitCode, server.output()).toBeNull();

    proxy.refuse(false);
    await eventually(async () => (await call('/readyz')).status === 200, '/readyz to turn ready again');
    for (const item of sends.filter((i) => i.status !== 201)) {
      await eventually(async () => [200, 201].includes(await send(item)), `${item.clientMsgId} to be stored`);
    }
    const statuses: Record<number, number> = {};
    for (const item of sends) statuses[item.status ?? 0] = (statuses[item.status ?? 0] ?? 0) + 1;
    console.log(`[db-faults] real process: first answers ${JSON.stringify(statuses)}`);
    expect(statuses[503] ?? 0).toBeGreaterThan(1);
    await expectStoredOnce(direct, sends);
    expect(server.child.exitCode, server.output()).toBeNull();
    expect(server.output()).not.toMatch(/uncaught|unhandled/i);
    expect(await server.stop('SIGTERM')).toBe('0');
  }, 120_000);
});
