import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = resolve(frontendDir, '..');

export interface RunningServer {
  url: string;
  /** The server's data directory: PGlite's files, and the embedded mailer's `mail/*.eml`. */
  dataDir: string;
  /** Stops the process (SIGTERM) and keeps its data, port and bundle for `restart()`. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same data, and waits until it is ready. */
  restart(): Promise<void>;
  /** Stops it for good and deletes its data. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Extra environment, e.g. a different `EMAIL_DELAY`. */
  env?: Record<string, string>;
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${args.join(' ')} exited with ${code}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}

/** Polls readiness; the server says nothing on its own when it is ready, so asking is the event. */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
      lastError = new Error(`readyz answered ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Builds the bundle into a temporary folder and starts the real server (role `all`, embedded defaults:
 * PGlite, in-process bus and queue, mail to files) on a free port, serving that bundle.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const work = mkdtempSync(join(tmpdir(), 'messaging-e2e-'));
  const dist = join(work, 'dist');
  const dataDir = join(work, 'data');
  await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--outDir',
      dist,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    frontendDir,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    EMAIL_DELAY: '0.2',
    LOG_LEVEL: 'warn',
    FRONTEND_DIST: dist,
    // The browser tests seed history through the API faster than a person types.
    RATE_LIMIT_MESSAGES_PER_SECOND: '1000',
    RATE_LIMIT_MESSAGE_BURST: '1000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000',
    ...options.env,
  };
  let child: ChildProcess | null = null;
  let stopping = false;

  async function spawnReady(): Promise<void> {
    stopping = false;
    const started = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'backend/src/main.ts', 'all'],
      { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child = started;
    started.once('exit', (code, signal) => {
      // A crash mid-suite otherwise shows up only as every later test failing to connect.
      if (!stopping) console.error(`the e2e server exited unexpectedly (code ${code}, signal ${signal})`);
    });
    // Generous: a start on a busy two-core machine has taken over a minute (tsx, PGlite, migrations).
    await waitReady(url, started, 150_000);
  }

  async function halt(): Promise<void> {
    stopping = true;
    const running = child;
    child = null;
    if (!running) return;
    running.kill('SIGTERM');
    await exited(running);
  }

  try {
    await spawnReady();
  } catch (error) {
    stopping = true;
    const running = child as ChildProcess | null;
    running?.kill('SIGKILL');
    if (running) await exited(running);
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dataDir,
    halt,
    restart: spawnReady,
    async stop() {
      await halt();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
