import type { AuthResponse, Room } from '@messaging-app/shared';
import { postJson } from '../test/support/http.js';

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface Member {
  userId: string;
  token: string;
  roomId: string;
}

/** Registers `users` users, creates `rooms` public rooms and spreads the users over them evenly. */
export async function populate(base: string, users: number, rooms: number): Promise<Member[]> {
  const tag = Math.random().toString(36).slice(2, 8);
  const accounts = await pool(
    Array.from({ length: users }, (_, i) => i),
    8,
    (i) =>
      postJson<AuthResponse>(base, '/api/auth/register', {
        username: `b${tag}_${i}`,
        email: `b${tag}_${i}@bench.test`,
        password: 'bench password 123',
      }),
  );
  const perRoom = Math.ceil(users / rooms);
  const created = await pool(
    Array.from({ length: rooms }, (_, r) => r),
    4,
    (r) =>
      postJson<Room>(
        base,
        '/api/rooms',
        { name: `bench ${tag} ${r}`, visibility: 'public' },
        accounts[r * perRoom]?.accessToken,
      ),
  );
  const members = accounts.map((a, i) => ({
    userId: a.user.id,
    token: a.accessToken,
    roomId: (created[Math.floor(i / perRoom)] as Room).id,
  }));
  await pool(
    members.filter((_, i) => i % perRoom !== 0),
    16,
    (m) => postJson(base, `/api/rooms/${m.roomId}/join`, {}, m.token),
  );
  return members;
}
