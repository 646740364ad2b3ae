import { describe, expect, it } from 'vitest';
import { ReplayTurns } from '../src/websocket/replay-turns.js';

/*
 * Issue 17 item 3 (embedded store): replay reads of the whole instance take turns by user and each
 * starts after a turn of the event loop, so one user's replays cannot run page after page ahead of
 * everyone else's work. Counts and order only; no timing.
 */

describe('replay turns', () => {
  it('a second user’s read runs before the first user’s queued reads', async () => {
    const turns = new ReplayTurns(1);
    const order: string[] = [];
    const read = (name: string) => async () => {
      order.push(name);
      return name;
    };
    const reads = [
      turns.run('attacker', read('a1')),
      turns.run('attacker', read('a2')),
      turns.run('attacker', read('a3')),
      turns.run('victim', read('v1')),
    ];
    expect(turns.load()).toEqual({ running: 1, waiting: 3 });
    expect(await Promise.all(reads)).toEqual(['a1', 'a2', 'a3', 'v1']);
    expect(order).toEqual(['a1', 'v1', 'a2', 'a3']);
  });

  it('other work of the event loop runs between any two reads, and only one read runs at a time', async () => {
    const turns = new ReplayTurns(1);
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const read = (name: string) => async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(name);
      await Promise.resolve();
      running -= 1;
    };
    // Another socket's work: one macrotask at a time, each queued by the previous one.
    let ticking = true;
    const tick = () => {
      if (!ticking) return;
      log.push('other');
      setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all(Array.from({ length: 10 }, (_, i) => turns.run('attacker', read(`page ${i}`))));
    ticking = false;
    const pages = log.filter((entry) => entry.startsWith('page'));
    expect(pages).toHaveLength(10);
    expect(mostAtOnce).toBe(1);
    const back = log.filter((entry, i) => entry.startsWith('page') && log[i - 1]?.startsWith('page'));
    expect(back).toEqual([]);
  });
});
