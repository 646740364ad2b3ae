import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { AuthResponse, Room } from '@messaging-app/shared';
import { defaultRetryPolicy } from '../src/queue/job-queue.js';
import { topologyNames } from '../src/queue/topology.js';
import { testSecret } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { uniqueName } from './support/factories.js';
import { deleteTopology, runPrefix } from './support/job-queues.js';
import { startSmtpSink } from './support/smtp-sink.js';
import type { SmtpSink } from './support/smtp-sink.js';
import { spawnBackend } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';
import { eventually } from './support/eventually.js';
import { services, testMode } from './support/services.js';

/**
 * What a new user sees: `main.ts all` (API and worker in one process) with this suite's backing
 * services, a mention of someone offline, and one email: an `.eml` file in embedded mode, a mail in
 * the SMTP sink with services.
 */
describe('role all, as a new user tries it', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let sink: SmtpSink | undefined;
  let server: WorkerProcess;
  let base: string;
  const prefix = runPrefix();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'role-all-'));
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: testSecret,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      // The two mentions below go out in one digest when both are posted within this delay:
      // seconds, against the tens of milliseconds two posts take, even on a loaded machine.
      EMAIL_DELAY: '3',
    };
    if (testMode === 'services') {
      database = await createTestDatabase('services');
      sink = await startSmtpSink();
      Object.assign(env, {
        DATABASE_URL: database.url ?? '',
        RABBITMQ_URL: services.rabbitmq,
        RABBITMQ_PREFIX: prefix,
        SMTP_URL: sink.url,
      });
    }
    server = spawnBackend('all', env);
    let url: string | undefined;
    await eventually(
      () => {
        url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1];
        return url !== undefined;
      },
      'the server to listen',
      // A start from source (tsx) on a loaded two-core runner has taken over 30 s.
      90_000,
    );
    base = url ?? '';
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    if (testMode === 'services') await deleteTopology(topologyNames(prefix, defaultRetryPolicy));
    await sink?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function call<T>(path: string, body: unknown, token?: string): Promise<T> {
    const response = await fetch(`${base}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  it('mentioning someone offline produces exactly one email, and SIGTERM stops cleanly', async () => {
    const register = (username: string) =>
      call<AuthResponse>('/auth/register', {
        username,
        email: `${username}@example.test`,
        password: 'long enough pw',
      });
    const alice = await register(uniqueName('alice'));
    const bob = await register(uniqueName('bob'));
    const room = await call<Room>(
      '/rooms',
      { name: uniqueName('room'), visibility: 'public' },
      alice.accessToken,
    );
    await call(`/rooms/${room.id}/join`, {}, bob.accessToken);
    await call(`/rooms/${room.id}/messages`, { body: `lunch, @${bob.user.username}?` }, alice.accessToken);
    await call(`/rooms/${room.id}/messages`, { body: `@${bob.user.username} or dinner` }, alice.accessToken);

    if (sink) {
      await sink.waitFor((mails) => mails.length >= 1);
      expect(await server.stop('SIGTERM')).toBe('0');
      expect(sink.mails).toHaveLength(1);
      expect(sink.mails[0]?.to).toEqual([bob.user.email]);
      expect(sink.mails[0]?.subject).toBe('2 new notifications in messaging-app');
    } else {
      const mailDir = join(dataDir, 'mail');
      const emls = async () => (await readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.eml'));
      await eventually(async () => (await emls()).length >= 1, 'an .eml file', 20_000);
      expect(await server.stop('SIGTERM')).toBe('0');
      const files = await emls();
      expect(files).toHaveLength(1);
      const mail = await simpleParser(await readFile(join(mailDir, files[0] ?? '')));
      expect(mail.subject).toBe('2 new notifications in messaging-app');
      expect(mail.text).toContain(`lunch, @${bob.user.username}?`);
      expect(server.output()).toContain('"msg":"email written"');
    }
  }, 60_000);
});
