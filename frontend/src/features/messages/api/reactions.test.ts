import { describe, expect, it } from 'vitest';
import { toggled } from './reactions';

const ann = crypto.randomUUID();
const bob = crypto.randomUUID();

describe('applying reaction events', () => {
  it('adds and removes a user as a set: the same event twice changes nothing more', () => {
    const once = toggled([], '👍', ann, true);
    expect(once).toEqual([{ emoji: '👍', count: 1, userIds: [ann] }]);
    expect(toggled(once, '👍', ann, true)).toBe(once);
    const two = toggled(once, '👍', bob, true);
    expect(two).toEqual([{ emoji: '👍', count: 2, userIds: [ann, bob] }]);
    const back = toggled(two, '👍', ann, false);
    expect(back).toEqual([{ emoji: '👍', count: 1, userIds: [bob] }]);
    expect(toggled(back, '👍', ann, false)).toBe(back);
    expect(toggled(back, '👍', bob, false)).toEqual([]);
  });
});
