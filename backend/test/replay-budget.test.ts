import { describe, expect, it } from 'vitest';
import {
  EventBucket,
  ReplayBudgetSpent,
  grantReplay,
  refusedReplay,
} from '../src/websocket/replay-budget.js';

/*
 * Issue 17 item 3: replay budgets grant whole pages only, and a client told to wait that asks again
 * is refused before any query. A hand-driven clock: no timing.
 */

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('replay budgets', () => {
  it('grant whole pages only: 10 events left refuse a page of 25 and grant a page of 5', () => {
    const time = clock();
    const socket = new EventBucket(600, time.now);
    socket.take(590);
    expect(() => grantReplay([socket], 25, 25)).toThrow(ReplayBudgetSpent);
    expect(grantReplay([socket], 5, 25)).toBe(5);
    expect(socket.available()).toBe(5);
  });

  it('a refusal holds until its wait has passed, for every socket of the user whose budget is spent', () => {
    const time = clock();
    const user = new EventBucket(600, time.now);
    const socket = new EventBucket(600, time.now);
    const otherSocket = new EventBucket(600, time.now);
    user.take(600);
    let refusal: unknown;
    try {
      grantReplay([socket, user], 25, 25);
    } catch (error) {
      refusal = error;
    }
    // 25 of 600 per minute: 2.5 s.
    expect(refusal).toMatchObject({ code: 'rate_limited', retryAfterMs: 2500 });
    expect(refusedReplay([otherSocket, user])).toMatchObject({ retryAfterMs: 2500 });
    time.advance(2000);
    expect(refusedReplay([socket, user])).toMatchObject({ retryAfterMs: 1000 });
    time.advance(500);
    expect(refusedReplay([socket, user])).toBeUndefined();
    expect(grantReplay([socket, user], 25, 25)).toBe(25);
  });
});
