import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, Message, Room, ServerFrame } from '@messaging-app/shared';
import { CloseCode } from '@messaging-app/shared';
import { topologyNames } from '../src/queue/topology.js';
import { composeBackendEnvironment, ServerProcess, startApi } from './support/processes.js';
import { deleteTopology } from './support/job-queues.js';
import { services } from './support/services.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { uniqueName } from './support/factories.js';
import { WsClient } from './support/ws-client.js';

/*
 * The deployment's smoke test: the built backend as separate processes (two `api`, one `worker`),
 * configured with docker-compose's backend environment pointed at this machine's real PostgreSQL,
 * Redis and RabbitMQ, and a real SMTP sink. Everything goes through HTTP and WebSocket.
 */

const database = `smoke_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const prefix = uniqueName('smoke');
const dataDir = mkdtempSync(join(tmpdir(), 'messaging-smoke-'));
let sink: SmtpSink;
let env: Record<string, string>;
let api1: { process: ServerProcess; url: string };
let api2: { process: ServerProcess; url: string };
let worker: ServerProcess;
let workerUrl: string;
const processes: ServerProcess[] = [];
const sockets: WsClient[] = [];

function databaseUrl(name: string): string {
  const url = new URL(services.postgres);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: services.postgres });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const metricsToken = randomBytes(24).toString('base64url');

beforeAll(async () => {
  await admin(`create database ${database}`);
  sink = await startSmtpSink();
  const composed = composeBackendEnvironment({
    JWT_SECRET: randomBytes(48).toString('base64url'),
    POSTGRES_PASSWORD: 'unused-here',
    RABBITMQ_PASSWORD: 'unused-here',
  });
  // The compose file's environment, with the addresses of this machine instead of compose's network.
  env = {
    ...composed,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: services.redis,
    REDIS_PREFIX: prefix,
    RABBITMQ_URL: services.rabbitmq,
    RABBITMQ_PREFIX: `${prefix}.`,
    SMTP_URL: sink.url,
    EMAIL_DELAY: '0.5',
    EMAIL_RETRY_DELAY: '0.2',
    LOG_LEVEL: 'info',
    METRICS_TOKEN: metricsToken,
  };
  const migrate = ServerProcess.start('migrate', env);
  expect(await migrate.exited).toBe(0);
  api1 = await startApi(env);
  api2 = await startApi(env);
  processes.push(api1.process, api2.process);
  worker = ServerProcess.start('worker', env);
  processes.push(worker);
  const ops = await worker.waitForLog(
    (l) => typeof l.msg === 'string' && l.msg.startsWith('ops server listening'),
  );
  workerUrl = `http://127.0.0.1:${String(ops.port)}`;
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  const codes = await Promise.all(processes.map((p) => p.terminate()));
  await sink?.close();
  await admin(`drop database if exists ${database} with (force)`);
  await deleteTopology(
    topologyNames(`${prefix}.`, { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 300_000 }),
  );
  rmSync(dataDir, { recursive: true, force: true });
  expect(codes.every((code) => code === 0)).toBe(true);
}, 60_000);

async function call<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const register = (base: string) => {
  const username = uniqueName('smoke');
  return call<AuthResponse>(base, 'POST', '/api/auth/register', {
    username,
    email: `${username}@example.test`,
    password: 'correct horse battery',
  });
};

async function connect(base: string, user: AuthResponse): Promise<WsClient> {
  const socket = await WsClient.connect(`${base.replace(/^http/, 'ws')}/ws`, user.accessToken);
  sockets.push(socket);
  return socket;
}

async function subscribe(socket: WsClient, roomId: string, afterSeq?: number) {
  socket.send({ type: 'subscribe', roomId, ...(afterSeq === undefined ? {} : { afterSeq }) });
  return socket.next((f) => f.type === 'subscribed' && f.roomId === roomId);
}

const newMessage = (roomId: string, body: string) => (f: ServerFrame) =>
  f.type === 'message.new' && f.roomId === roomId && f.message.body === body;

describe('the deployment topology: two api processes and a worker on real services', () => {
  it('serves health and Prometheus metrics on every process, the worker included', async () => {
    for (const base of [api1.url, api2.url]) {
      expect(await call(base, 'GET', '/readyz')).toMatchObject({
        status: 'ready',
        checks: { database: 'up', redis: 'up' },
      });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(await scraped.text()).toContain('# TYPE http_request_duration_seconds histogram');
    }
    expect(await call(workerUrl, 'GET', '/healthz')).toEqual({ status: 'ok' });
    expect(await (await fetch(`${workerUrl}/metrics`)).text()).toContain('# TYPE job_failures_total counter');
  });

  it('carries a conversation between users on different api instances', async () => {
    const alice = await register(api1.url);
    const bob = await register(api2.url);
    const room = await call<Room>(
      api1.url,
      'POST',
      '/api/rooms',
      { name: uniqueName('room'), visibility: 'public' },
      alice.accessToken,
    );
    await call(api2.url, 'POST', `/api/rooms/${room.id}/join`, undefined, bob.accessToken);
    const aliceSocket = await connect(api1.url, alice);
    const bobSocket = await connect(api2.url, bob);
    await subscribe(aliceSocket, room.id);
    await subscribe(bobSocket, room.id);

    aliceSocket.send({
      type: 'message.send',
      roomId: room.id,
      body: 'hello from api 1',
      clientMsgId: crypto.randomUUID(),
    });
    await aliceSocket.nextOf('message.ack');
    await bobSocket.next(newMessage(room.id, 'hello from api 1'));

    await call<Message>(
      api2.url,
      'POST',
      `/api/rooms/${room.id}/messages`,
      { body: 'and back from api 2' },
      bob.accessToken,
    );
    await aliceSocket.next(newMessage(room.id, 'and back from api 2'));
  });

  it('emails a mention to an offline member through the worker and SMTP', async () => {
    const alice = await register(api1.url);
    const carol = await register(api2.url);
    const room = await call<Room>(
      api1.url,
      'POST',
      '/api/rooms',
      { name: uniqueName('room'), visibility: 'public' },
      alice.accessToken,
    );
    await call(api2.url, 'POST', `/api/rooms/${room.id}/join`, undefined, carol.accessToken);

    await call<Message>(
      api1.url,
      'POST',
      `/api/rooms/${room.id}/messages`,
      { body: `@${carol.user.username} are you there?` },
      alice.accessToken,
    );

    await sink.waitFor(() => sink.to(carol.user.email ?? '').length > 0, 30_000);
    const [mail] = sink.to(carol.user.email ?? '');
    expect(mail?.text).toContain('are you there?');
  });

  it('moves the clients of an api process that gets SIGTERM to the other one without losing a message', async () => {
    const api3 = await startApi(env);
    processes.push(api3.process);
    const dave = await register(api3.url);
    const erin = await register(api2.url);
    const room = await call<Room>(
      api2.url,
      'POST',
      '/api/rooms',
      { name: uniqueName('room'), visibility: 'public' },
      erin.accessToken,
    );
    await call(api3.url, 'POST', `/api/rooms/${room.id}/join`, undefined, dave.accessToken);
    const daveSocket = await connect(api3.url, dave);
    const erinSocket = await connect(api2.url, erin);
    await subscribe(daveSocket, room.id);
    await subscribe(erinSocket, room.id);
    const send = (body: string) =>
      call<Message>(api2.url, 'POST', `/api/rooms/${room.id}/messages`, { body }, erin.accessToken);

    for (const body of ['one', 'two', 'three']) await send(body);
    const seen = [];
    for (const body of ['one', 'two', 'three']) seen.push(await daveSocket.next(newMessage(room.id, body)));

    const signalled = Date.now();
    const stopping = api3.process.terminate();
    expect((await daveSocket.closing()).code).toBe(CloseCode.serviceRestart);
    // While dave is between instances the conversation goes on.
    for (const body of ['four', 'five', 'six']) await send(body);
    expect(await stopping).toBe(0);
    // Exit code 0 also means the 10 s shutdown deadline did not fire.
    expect(Date.now() - signalled).toBeLessThan(10_000);

    const lastSeq = Math.max(...seen.map((f) => ('seq' in f ? f.seq : 0)));
    const moved = await connect(api2.url, dave);
    const subscribed = moved.next((f) => f.type === 'subscribed' && f.roomId === room.id);
    moved.send({ type: 'subscribe', roomId: room.id, afterSeq: lastSeq });
    await subscribed;
    for (const body of ['four', 'five', 'six']) await moved.next(newMessage(room.id, body));
    const replayed = moved.received
      .filter((f) => f.type === 'message.new')
      .map((f) => ('seq' in f ? f.seq : -1));
    expect(replayed).toEqual([...replayed].sort((a, b) => a - b));
    expect(replayed[0]).toBe(lastSeq + 1);
    expect(replayed).toHaveLength(3);
  });
});
