import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const backend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ticksPerSecond = 100; // getconf CLK_TCK on Linux

export interface BenchServer {
  url: string;
  /** The server's own PostgreSQL database (dropped by `stop`); none on the embedded defaults. */
  databaseUrl: string | undefined;
  pid: number;
  /** Seconds of CPU (user + system) the server has used so far. */
  cpuSeconds(): number;
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  postgres: string;
  redis: string;
  /** More environment for the server (a scenario's limits). */
  env?: Record<string, string>;
  /** The embedded defaults instead (PGlite in a fresh data directory, in-process bus): no PostgreSQL, no Redis. */
  embedded?: boolean;
}

async function createDatabase(admin: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/**
 * Starts role `all` on a fresh PostgreSQL database and the given Redis, as production would run it,
 * or on the embedded defaults.
 */
export async function startServer(options: ServerOptions): Promise<BenchServer> {
  const database = options.embedded
    ? { url: undefined, drop: async () => undefined }
    : await createDatabase(options.postgres);
  const services: Record<string, string> = database.url
    ? {
        DATABASE_URL: database.url,
        REDIS_URL: options.redis,
        REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
      }
    : {};
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/main.ts', 'all'],
    {
      cwd: backend,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-')),
        ...services,
        JWT_SECRET: randomBytes(32).toString('hex'),
        FRONTEND_DIST: '/nonexistent-frontend-dist',
        LOG_LEVEL: 'info',
        // The generator is one IP registering a thousand users and sending far past a person's rate.
        RATE_LIMIT_API_PER_MINUTE: '100000000',
        RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100000000',
        RATE_LIMIT_MESSAGES_PER_SECOND: '100000',
        RATE_LIMIT_MESSAGE_BURST: '100000',
        RATE_LIMIT_WS_FRAMES_PER_SECOND: '100000',
        RATE_LIMIT_WS_FRAME_BURST: '100000',
        ...options.env,
      },
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.includes('"listening"')) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolveUrl((JSON.parse(line) as { url: string }).url);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const pid = child.pid as number;
  // If the generator dies, the server must not outlive it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  return {
    url,
    databaseUrl: database.url,
    pid,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    },
    rssBytes() {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(match?.[1] ?? 0) * 1024;
    },
    async stop() {
      const exited = once(child, 'exit');
      process.off('exit', orphan);
      child.kill('SIGTERM');
      await exited;
      await database.drop();
    },
  };
}
