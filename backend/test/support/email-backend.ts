import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthResponse, Room } from '@messaging-app/shared';
import { defaultRetryPolicy } from '../../src/queue/job-queue.js';
import { topologyNames } from '../../src/queue/topology.js';
import { testSecret } from './app.js';
import { createTestDatabase } from './database.js';
import type { TestDatabase } from './database.js';
import { eventually } from './eventually.js';
import { uniqueName } from './factories.js';
import { deleteTopology, runPrefix } from './job-queues.js';
import { services, testMode } from './services.js';
import { spawnBackend } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

/**
 * One deployment for email tests, as processes: `main.ts all` (or `worker`) children on this
 * suite's storage (a PGlite DATA_DIR, or a fresh PostgreSQL database and RabbitMQ prefix), sending
 * to an SMTP sink. Children can be killed and started again on the same state.
 */
export interface EmailDeployment {
  dataDir: string;
  database: TestDatabase | undefined;
  prefix: string;
  /** The environment every child gets, for `main.ts dead-letters` too. */
  env: Record<string, string>;
  /** Starts `main.ts <role>` and, for `all`, waits for its URL. */
  start(role?: 'all' | 'worker', extra?: Record<string, string>): Promise<Started>;
  /** Runs `main.ts dead-letters …` to its end and returns what it printed. */
  command(args: string[]): Promise<{ code: string; output: string }>;
  destroy(): Promise<void>;
}

export interface Started {
  process: WorkerProcess;
  /** `http://127.0.0.1:<port>`: the API for `all`, the ops server for `worker`. */
  url: string;
}

export async function createEmailDeployment(
  smtpUrl: string,
  env: Record<string, string> = {},
): Promise<EmailDeployment> {
  const dataDir = await mkdtemp(join(tmpdir(), 'email-'));
  const database = testMode === 'services' ? await createTestDatabase('services') : undefined;
  const prefix = runPrefix();
  const base: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    JWT_SECRET: testSecret,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    SMTP_URL: smtpUrl,
    PUBLIC_URL: 'https://chat.example.test',
    EMAIL_DELAY: '0.05',
    EMAIL_RETRY_DELAY: '0.05',
    ...(database
      ? { DATABASE_URL: database.url ?? '', RABBITMQ_URL: services.rabbitmq, RABBITMQ_PREFIX: prefix }
      : {}),
    ...env,
  };
  const children: WorkerProcess[] = [];
  return {
    dataDir,
    database,
    prefix,
    env: base,
    async start(role = 'all', extra = {}) {
      const child = spawnBackend(role, { ...base, ...extra });
      children.push(child);
      let url: string | undefined;
      const pattern =
        role === 'all' ? /"url":"(http:\/\/127\.0\.0\.1:\d+)"/ : /"port":(\d+),"msg":"ops server listening/;
      await eventually(
        () => {
          if (child.child.exitCode !== null) throw new Error(`${role} exited:\n${child.output()}`);
          const found = pattern.exec(child.output())?.[1];
          url = found && role === 'worker' ? `http://127.0.0.1:${found}` : found;
          return url !== undefined;
        },
        `${role} to start`,
        90_000,
      );
      return { process: child, url: url ?? '' };
    },
    async command(args) {
      const run = spawnBackend(['dead-letters', ...args], base);
      const code = await run.exited;
      return { code, output: run.output() };
    },
    async destroy() {
      await Promise.all(children.map((c) => c.stop('SIGKILL')));
      if (database) {
        await deleteTopology(topologyNames(prefix, defaultRetryPolicy));
        await database.drop();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The API of an `all` child, as a user drives it. */
export class Api {
  constructor(readonly base: string) {}

  async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  register(): Promise<AuthResponse> {
    const username = uniqueName('u');
    return this.call('POST', '/auth/register', {
      username,
      email: `${username}@example.test`,
      password: 'long enough pw',
    });
  }

  /** A public room of `owner` that every one of `members` joined. */
  async room(owner: AuthResponse, members: AuthResponse[]): Promise<Room> {
    const room = await this.call<Room>(
      'POST',
      '/rooms',
      { name: uniqueName('room'), visibility: 'public' },
      owner.accessToken,
    );
    for (const member of members) await this.call('POST', `/rooms/${room.id}/join`, {}, member.accessToken);
    return room;
  }

  post(author: AuthResponse, room: Room, body: string): Promise<{ id: string }> {
    return this.call('POST', `/rooms/${room.id}/messages`, { body }, author.accessToken);
  }
}
