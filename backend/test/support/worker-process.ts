import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const backendDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** What the process wrote to stderr and stdout, for a failing test's message. */
  output(): string;
  /** Sends `signal` and resolves with the exit code or signal once the process is gone. */
  stop(signal: NodeJS.Signals): Promise<string>;
  /** The exit code (or signal) once the process ended by itself. */
  exited: Promise<string>;
}

/** Starts `main.ts <role>` (or `main.ts <command> <args…>`) from source in a child process with the given environment. */
export function spawnBackend(role: string | string[], env: Record<string, string>): WorkerProcess {
  const args = typeof role === 'string' ? [role] : role;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: backendDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => String(signal ?? code));
  return {
    child,
    exited,
    output: () => output,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
