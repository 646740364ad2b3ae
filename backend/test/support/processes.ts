import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const builtMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** One JSON log line of a server process. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * The backend environment docker-compose gives its containers (`x-backend.environment`), with the
 * compose variables resolved from `vars` or their defaults. `${NAME:?...}` without a value throws, as
 * compose would.
 */
export function composeBackendEnvironment(vars: Record<string, string>): Record<string, string> {
  const compose = YAML.parse(readFileSync(`${repoRoot}docker-compose.yml`, 'utf8')) as {
    'x-backend': { environment: Record<string, string | number> };
  };
  const resolve = (value: string) =>
    value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
      const given = vars[name];
      if (given !== undefined && given !== '') return given;
      if (op === '?') throw new Error(`docker-compose.yml needs ${name}: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    });
  return Object.fromEntries(
    Object.entries(compose['x-backend'].environment).map(([key, value]) => [key, resolve(String(value))]),
  );
}

/** A backend process started from the build (`node backend/dist/main.js <role>`), as a container runs it. */
export class ServerProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(
    readonly role: string,
    readonly child: ChildProcess,
  ) {
    if (!child.stdout || !child.stderr) throw new Error('spawned without pipes');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text };
      }
      this.logs.push(line);
      for (const waiter of this.waiters.filter((w) => w.match(line))) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => this.logs.push({ msg: `stderr: ${chunk.toString()}` }));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(role: string, env: Record<string, string>): ServerProcess {
    if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [builtMain, role], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(role, child);
  }

  /** The first log line (past or future) that matches; fails on timeout or if the process exits first. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const past = this.logs.find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        const tail = this.logs.slice(-8).map((l) => JSON.stringify(l));
        reject(new Error(`${this.role}: ${why}\n${tail.join('\n')}`));
      };
      const timer = setTimeout(() => fail(`no matching log line within ${timeoutMs} ms`), timeoutMs);
      void this.exited.then((code) => {
        clearTimeout(timer);
        fail(`exited with ${code} before the expected log line`);
      });
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Sends SIGTERM and resolves with the exit code, failing if the process outlives `timeoutMs`. */
  async terminate(timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`${this.role} still running ${timeoutMs} ms after SIGTERM`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Starts an API process on a free port and resolves with its base URL once it listens. */
export async function startApi(
  env: Record<string, string>,
): Promise<{ process: ServerProcess; url: string }> {
  const server = ServerProcess.start('api', env);
  const line = await server.waitForLog((l) => l.msg === 'listening');
  return { process: server, url: String(line.url) };
}
