import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testProcessEnv } from './app.js';

const backend = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves with the first line of a child's stdout that matches, or rejects on exit or timeout. */
function waitForLine(
  child: ChildProcess,
  match: (line: string) => boolean,
  what: string,
  timeoutMs = 20_000,
) {
  return new Promise<string>((resolveLine, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const line = lines.find(match);
      if (line !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolveLine(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready`));
    });
  });
}

export interface Child {
  process: ChildProcess;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function childOf(process: ChildProcess): Child {
  const exited = once(process, 'exit');
  return {
    process,
    async stop(signal = 'SIGTERM') {
      if (process.exitCode !== null || process.signalCode !== null) return;
      process.kill(signal);
      await exited;
    },
  };
}

/** A private redis-server (no persistence) on `port`, so a test may kill it without touching the machine's. */
export async function startRedis(port: number): Promise<Child> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await waitForLine(child, (line) => line.includes('Ready to accept connections'), `redis-server :${port}`);
  child.stdout?.resume();
  return childOf(child);
}

export interface Instance extends Child {
  /** `http://127.0.0.1:port` */
  url: string;
}

export interface InstanceEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

/** Starts `main.ts api` from source in its own process, as in production, and waits until it listens. */
export async function startInstance(env: InstanceEnv): Promise<Instance> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts', 'api'], {
    cwd: backend,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      ...testProcessEnv,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'instance-')),
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.redisPrefix,
    },
  });
  const line = await waitForLine(
    child,
    (l) => l.includes('"listening"') || l.includes('"msg":"listening"'),
    'api instance',
    // A start from source (tsx) on a loaded two-core runner has taken over 20 s.
    90_000,
  ).catch((error: unknown) => {
    // Never leave a process behind a failed start: it would outlive the test run.
    child.kill('SIGKILL');
    throw error;
  });
  child.stdout?.resume();
  const { url } = JSON.parse(line) as { url: string };
  return { ...childOf(child), url };
}

/** A process holding `userId` online in Redis presence until it is killed (see presence-holder.ts). */
export async function startPresenceHolder(
  redisUrl: string,
  prefix: string,
  userId: string,
  ttlMs: number,
): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      'test/support/presence-holder.ts',
      redisUrl,
      prefix,
      userId,
      String(ttlMs),
    ],
    { cwd: backend, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await waitForLine(child, (line) => line === 'holding', 'presence holder');
  child.stdout?.resume();
  return childOf(child);
}
