import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../src/db/lock.js';

const backendDir = join(import.meta.dirname, '..');

/** Another process that takes the lock on `dir` and holds it until it is killed. */
async function holder(dir: string): Promise<ChildProcess> {
  const script = `import { lockDataDir } from './src/db/lock.ts'; lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => undefined, 60_000);`;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: backendDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (!child.stdout || child.pid === undefined) throw new Error('spawned without a pipe or a pid');
  const lines = createInterface({ input: child.stdout });
  const locked = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line === 'locked' && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}: ${stderr}`)));
  });
  await locked;
  return child;
}

/** This process's start time as /proc/<pid>/stat gives it (field 22). */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

describe('the data directory lock', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0).reverse()) step();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'messaging-app-lock-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const take = (dir: string) => {
    const release = lockDataDir(dir);
    cleanup.push(release);
    return release;
  };

  it('takes over a lock left by a SIGKILLed process', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').split('\n')[0]).toBe(String(child.pid));
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    take(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').split('\n')[0]).toBe(String(process.pid));
  });

  it('takes over a lock naming our own PID with another start time (a restarted container)', () => {
    const dir = tempDir();
    const earlier = Number(startTimeOf(process.pid)) - 1;
    writeFileSync(join(dir, 'LOCK'), `${process.pid}\n${earlier}\n${bootId()}\n`);
    take(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(
      `${process.pid}\n${startTimeOf(process.pid)}\n${bootId()}\n`,
    );
  });

  it('takes over a lock naming a live process that reused the PID of the dead holder', async () => {
    const dir = tempDir();
    // The live process has the PID, but it started later than the holder the lock names.
    const other = await holder(tempDir());
    cleanup.push(() => other.kill('SIGKILL'));
    const pid = other.pid ?? 0;
    writeFileSync(join(dir, 'LOCK'), `${pid}\n${Number(startTimeOf(pid)) - 1}\n${bootId()}\n`);
    take(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').split('\n')[0]).toBe(String(process.pid));
  });

  it('takes over a lock from before the last boot, and one that holds only a PID (older versions)', () => {
    const fromLastBoot = tempDir();
    writeFileSync(join(fromLastBoot, 'LOCK'), `${process.pid}\n${startTimeOf(process.pid)}\nanother-boot\n`);
    take(fromLastBoot);
    const pidOnly = tempDir();
    writeFileSync(join(pidOnly, 'LOCK'), String(process.pid));
    take(pidOnly);
  });

  it('refuses a live second process with a message that names the holder and the way out', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    cleanup.push(() => child.kill('SIGKILL'));
    let refusal: unknown;
    try {
      lockDataDir(dir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as Error).message).toBe(
      `the data directory ${dir} is in use by process ${child.pid}: stop it, or give this process its own DATA_DIR (or a DATABASE_URL)`,
    );
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').split('\n')[0]).toBe(String(child.pid));
  });

  it('refuses a second open in the same process, and releases only its own lock', () => {
    const dir = tempDir();
    const release = take(dir);
    expect(() => lockDataDir(dir)).toThrow(/already open in this process/);
    release();
    take(dir);
  });
});
