import { describe, expect, it } from 'vitest';
import { createFairPool } from '../src/ratelimit/fair-pool.js';
import { refusePasswordWork as refuse } from '../src/services/auth/password-check.js';

/** A task the test finishes by hand, recording when it started. */
function task(name: string, started: string[]) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    run: () => {
      started.push(name);
      return done.then(() => name);
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the password-work queue', () => {
  it('never runs more than its slots, and a waiting user gets the next free slot ahead of 14 queued checks of another', async () => {
    const pool = createFairPool({ concurrency: 2, maxWaitingPerRequester: 16, refuse });
    const started: string[] = [];
    const attacker = Array.from({ length: 16 }, (_, i) => task(`attacker-${i}`, started));
    const results = attacker.map((t) => pool.run('user:attacker', t.run));
    await tick();
    expect(started).toEqual(['attacker-0', 'attacker-1']);
    expect(pool.load()).toEqual({ running: 2, waiting: 14 });
    const victim = task('victim', started);
    const victimResult = pool.run('ip:victim', victim.run);
    attacker[0]?.finish();
    await tick();
    expect(started).toEqual(['attacker-0', 'attacker-1', 'victim']);
    victim.finish();
    expect(await victimResult).toBe('victim');
    for (const t of attacker) t.finish();
    await Promise.all(results);
    expect(started).toHaveLength(17);
    expect(pool.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('takes turns between requesters that each have work waiting', async () => {
    const pool = createFairPool({ concurrency: 1, maxWaitingPerRequester: 8, refuse });
    const started: string[] = [];
    const tasks = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'].map((name) => ({ name, ...task(name, started) }));
    const results = tasks.map((t) => pool.run(t.name[0] as string, t.run));
    for (let i = 0; i < tasks.length; i += 1) {
      await tick();
      tasks.find((t) => t.name === started[i])?.finish();
    }
    await Promise.all(results);
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('the 5th waiting check of one requester is refused with 429; others still queue', async () => {
    const pool = createFairPool({ concurrency: 1, maxWaitingPerRequester: 4, refuse });
    const started: string[] = [];
    const held = Array.from({ length: 5 }, (_, i) => task(`held-${i}`, started));
    const running = held.map((t) => pool.run('user:greedy', t.run));
    await tick();
    expect(pool.load()).toEqual({ running: 1, waiting: 4 });
    await expect(pool.run('user:greedy', async () => 'one too many')).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      headers: { 'retry-after': '1' },
    });
    const other = pool.run('user:other', async () => 'other');
    for (const t of held) t.finish();
    expect(await other).toBe('other');
    await Promise.all(running);
  });

  it('a failing task frees its slot and rejects only its caller', async () => {
    const pool = createFairPool({ concurrency: 1, maxWaitingPerRequester: 4, refuse });
    await expect(pool.run('x', () => Promise.reject(new Error('argon2 failed')))).rejects.toThrow(
      'argon2 failed',
    );
    expect(await pool.run('x', async () => 'next')).toBe('next');
    expect(pool.load()).toEqual({ running: 0, waiting: 0 });
  });
});
