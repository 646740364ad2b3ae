import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse, Message, Room, ServerFrame } from '@messaging-app/shared';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { uniqueName } from './support/factories.js';
import { services } from './support/services.js';
import { freePort, startInstance, startRedis } from './support/realtime-cluster.js';
import type { Child, Instance } from './support/realtime-cluster.js';
import { WsClient } from './support/ws-client.js';

/**
 * API instances as separate processes, sharing one PostgreSQL database and one Redis: what a
 * Kubernetes deployment with several replicas and no sticky sessions looks like.
 */

async function call<T>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const register = (base: string) => {
  const username = uniqueName();
  return call<AuthResponse>(base, '/api/auth/register', {
    body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
  });
};

const wsOf = (instance: Instance) => instance.url.replace('http', 'ws') + '/ws';

function urlOf(db: TestDatabase): string {
  if (!db.url) throw new Error('the services suite runs on PostgreSQL');
  return db.url;
}

describe('two API instances sharing PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('services');
    const env = { databaseUrl: urlOf(db), redisUrl: services.redis, redisPrefix: uniqueName('cluster') };
    instances = await Promise.all([startInstance(env), startInstance(env)]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db?.drop();
  });

  it('carries messages both ways between a user on each instance', async () => {
    const [one, two] = instances as [Instance, Instance];
    const ann = await register(one.url);
    const bob = await register(two.url);
    const room = await call<Room>(one.url, '/api/rooms', {
      token: ann.accessToken,
      body: { name: uniqueName('room'), visibility: 'public' },
    });
    await call(two.url, `/api/rooms/${room.id}/join`, { token: bob.accessToken, body: {} });
    const annSocket = await WsClient.connect(wsOf(one), ann.accessToken);
    const bobSocket = await WsClient.connect(wsOf(two), bob.accessToken);
    try {
      annSocket.send({ type: 'subscribe', roomId: room.id });
      bobSocket.send({ type: 'subscribe', roomId: room.id });
      await annSocket.nextOf('subscribed');
      await bobSocket.nextOf('subscribed');

      annSocket.send({
        type: 'message.send',
        roomId: room.id,
        body: 'hello from one',
        clientMsgId: randomUUID(),
      });
      const atBob = await bobSocket.next((f) => f.type === 'message.new');
      expect(atBob).toMatchObject({ message: { body: 'hello from one', sender: { id: ann.user.id } } });

      bobSocket.send({
        type: 'message.send',
        roomId: room.id,
        body: 'hello from two',
        clientMsgId: randomUUID(),
      });
      const atAnn = await annSocket.next(
        (f) => f.type === 'message.new' && f.message.body === 'hello from two',
      );
      expect(atAnn).toMatchObject({ message: { sender: { id: bob.user.id } } });

      bobSocket.send({ type: 'typing', roomId: room.id });
      expect(await annSocket.nextOf('typing')).toMatchObject({ roomId: room.id, user: { id: bob.user.id } });

      // Presence is shared: the participant list of instance one sees Bob's socket on instance two.
      const list = await call<{ participants: { user: { id: string }; online: boolean }[] }>(
        one.url,
        `/api/rooms/${room.id}/participants`,
        { token: ann.accessToken },
      );
      expect(list.participants.find((p) => p.user.id === bob.user.id)?.online).toBe(true);
    } finally {
      annSocket.close();
      bobSocket.close();
    }
  });
});

/** A client that reconnects to whichever instance is up and resumes from the last seq it holds. */
class ResumingReader {
  lastSeq = 0;
  bodies: string[] = [];
  seqs: number[] = [];
  duplicates = 0;
  reconnects = 0;
  private socket: WsClient | undefined;
  private waiting: { count: number; resolve: () => void } | undefined;

  constructor(
    private readonly urls: () => string[],
    private readonly token: string,
    private readonly roomId: string,
  ) {}

  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      for (const url of this.urls()) {
        try {
          await this.open(url);
          return;
        } catch {
          // That instance is down or restarting: try the next one, as a real client would.
        }
      }
      if (attempt > 200) throw new Error('no instance accepted the reader');
      await new Promise((r) => setTimeout(r, 50)); // reconnect backoff, as a real client does
    }
  }

  private async open(url: string): Promise<void> {
    const socket = await WsClient.connect(url, this.token);
    socket.socket.on('message', (data) => this.onFrame(JSON.parse(String(data)) as ServerFrame));
    socket.send({ type: 'subscribe', roomId: this.roomId, afterSeq: this.lastSeq });
    await socket.nextOf('subscribed');
    this.socket = socket;
    void socket.closed.then(() => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.reconnects += 1;
      void this.connect();
    });
  }

  private onFrame(frame: ServerFrame): void {
    if (!('seq' in frame) || frame.roomId !== this.roomId) return;
    if (frame.seq <= this.lastSeq) {
      this.duplicates += 1;
      return;
    }
    this.lastSeq = frame.seq;
    if (frame.type === 'message.new') {
      this.seqs.push(frame.seq);
      this.bodies.push(frame.message.body);
    }
    if (this.waiting && this.bodies.length >= this.waiting.count) this.waiting.resolve();
  }

  /** Drops the socket without a goodbye, as a phone losing its network does. */
  drop(): void {
    this.socket?.socket.terminate();
  }

  until(count: number, timeoutMs: number): Promise<void> {
    if (this.bodies.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${this.bodies.length} of ${count} messages arrived`)),
        timeoutMs,
      );
      this.waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
  }
}

describe('fault tolerance', () => {
  let db: TestDatabase;
  let redis: Child | undefined;
  let instances: (Instance | undefined)[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((i) => i?.stop('SIGKILL')));
    await redis?.stop('SIGKILL');
    await db?.drop();
  });

  it('a reader ends with exactly the 1,000 messages in order through socket drops, an instance crash and a Redis restart', async () => {
    db = await createTestDatabase('services');
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const env = {
      databaseUrl: urlOf(db),
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      redisPrefix: uniqueName('fault'),
    };
    const [first, second] = await Promise.all([startInstance(env), startInstance(env)]);
    instances = [first, second];
    const up = () => instances.filter((i): i is Instance => i !== undefined);

    const writer = await register(first.url);
    const reader = await register(second.url);
    const room = await call<Room>(first.url, '/api/rooms', {
      token: writer.accessToken,
      body: { name: uniqueName('room'), visibility: 'public' },
    });
    await call(second.url, `/api/rooms/${room.id}/join`, { token: reader.accessToken, body: {} });

    // The reader starts on instance two, the one that will crash.
    const client = new ResumingReader(() => [...up()].reverse().map(wsOf), reader.accessToken, room.id);
    await client.connect();

    /** Posts with a client id, retrying on any instance until one answers: idempotency keeps it once. */
    const post = async (i: number) => {
      const clientMsgId = randomUUID();
      for (let attempt = 0; ; attempt += 1) {
        const targets = up();
        const target = targets[(i + attempt) % targets.length];
        try {
          if (!target) throw new Error('no instance up');
          return await call<Message>(target.url, `/api/rooms/${room.id}/messages`, {
            token: writer.accessToken,
            body: { body: `message ${i}`, clientMsgId },
          });
        } catch (error) {
          if (attempt > 400) throw error;
          await new Promise((r) => setTimeout(r, 25)); // retry backoff of a real client
        }
      }
    };

    const total = 1000;
    let restarting: Promise<void> = Promise.resolve();
    let redisBack: Promise<void> = Promise.resolve();
    for (let i = 0; i < total; i += 1) {
      if (i === 150 || i === 450 || i === 800) client.drop();
      if (i === 300) {
        instances[1] = undefined;
        await second.stop('SIGKILL');
        restarting = startInstance(env).then((fresh) => {
          instances[1] = fresh;
        });
      }
      if (i === 600) {
        await restarting;
        await redis.stop('SIGKILL');
        // Redis stays down for a moment while messages keep being posted: their doorbells are lost.
        redisBack = new Promise((r) => setTimeout(r, 500)).then(async () => {
          redis = await startRedis(redisPort);
        });
      }
      await post(i);
    }
    await redisBack;
    await client.until(total, 30_000);
    client.close();

    expect(client.duplicates).toBe(0);
    expect(client.bodies).toEqual(Array.from({ length: total }, (_, i) => `message ${i}`));
    expect(client.seqs).toEqual([...client.seqs].sort((a, b) => a - b));
    expect(client.reconnects).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
