import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * Who holds a lock: a PID alone is not enough, because a restarted container often gets the same PID
 * as the process that died in it. The process's start time (clock ticks since boot, from
 * /proc/<pid>/stat) tells two processes with one PID apart, and the boot id tells two boots apart.
 * Without /proc (not Linux) both are empty and the PID alone decides.
 */
interface Holder {
  pid: number;
  startTime: string;
  bootId: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const bootId = (readProc('/proc/sys/kernel/random/boot_id') ?? '').trim();

/** The start time and state of a live process, or undefined when there is no such process (or no /proc). */
function procStat(pid: number): { startTime: string; state: string } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

const hasProc = procStat(process.pid) !== undefined;

function self(): Holder {
  return { pid: process.pid, startTime: procStat(process.pid)?.startTime ?? '', bootId };
}

/** The file format: the PID on the first line (what older versions wrote), then start time and boot id. */
function format(holder: Holder): string {
  return `${holder.pid}\n${holder.startTime}\n${holder.bootId}\n`;
}

function parse(text: string): Holder | undefined {
  const [pid, startTime = '', boot = ''] = text.split('\n').map((line) => line.trim());
  const parsed = Number(pid);
  if (!Number.isInteger(parsed) || parsed <= 0) return undefined;
  return { pid: parsed, startTime, bootId: boot };
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `holder` is still running: same boot, same PID, same start time. */
function alive(holder: Holder): boolean {
  if (!hasProc) return signalable(holder.pid);
  // A lock from an earlier boot, or from a version that wrote only the PID, names no process of this boot.
  if (!holder.bootId || holder.bootId !== bootId || !holder.startTime) return false;
  const stat = procStat(holder.pid);
  // A zombie has died and only waits for its parent to reap it.
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return stat.startTime === holder.startTime;
}

/** Directories this process holds, so that a second open here is refused rather than taken over. */
const held = new Set<string>();

/**
 * Moves a lock judged stale out of the way, unless another process replaced it in the meantime (two
 * processes starting at once may both find the same stale lock): the file is renamed to a private
 * name first, and put back if it turns out to be someone else's fresh lock.
 */
function removeStale(file: string, stale: string): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (readFileSync(aside, 'utf8') !== stale) {
    try {
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Takes an exclusive lock on a data directory: the embedded database is single-process, and two
 * processes writing one directory corrupt it. A lock whose process is gone (crashed, OOM-killed,
 * SIGKILLed, or from before a reboot) is taken over, even when a new process now has its PID.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'LOCK');
  const key = resolve(file);
  if (held.has(key)) {
    throw new DataDirLockedError(`the data directory ${dir} is already open in this process`);
  }
  const mine = format(self());
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: LOCK never exists without its whole content.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
    writeFileSync(draft, mine, { mode: 0o600 });
    try {
      try {
        linkSync(draft, file);
      } finally {
        rmSync(draft, { force: true });
      }
      held.add(key);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(key);
        // Only our own lock: never delete one another process took over after a mistaken judgement.
        if (readProc(file) === mine) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const text = readProc(file);
      if (text === undefined) continue;
      const holder = parse(text);
      if (holder && alive(holder)) {
        throw new DataDirLockedError(
          `the data directory ${dir} is in use by process ${holder.pid}: stop it, or give this process its own DATA_DIR (or a DATABASE_URL)`,
        );
      }
      removeStale(file, text);
    }
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir}`);
}
