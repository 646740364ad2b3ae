import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
let caller: TestUser;
beforeAll(async () => {
  app = await buildTestApp();
  caller = await registerUser(app.server);
});
afterAll(async () => {
  await app.close();
});

async function search(query: string) {
  const response = await app.server.inject({ url: `/api/users?${query}`, headers: caller.headers });
  return { response, users: response.statusCode === 200 ? response.json<{ users: User[] }>().users : [] };
}

describe('user search', () => {
  it('finds a user by a username prefix in any case, without their email', async () => {
    const prefix = uniqueName('find').slice(0, 24);
    const target = await registerUser(app.server, { username: `${prefix}_ada` });
    const { response, users } = await search(`q=${encodeURIComponent(prefix.toUpperCase())}`);
    expect(response.statusCode).toBe(200);
    expect(users.map((u) => u.id)).toEqual([target.user.id]);
    expect(response.body).not.toContain(target.user.email);
    expect(users[0]).not.toHaveProperty('email');
  });

  it('finds a user by a display-name prefix in any case, and trims the query', async () => {
    const name = uniqueName('Grace');
    const target = await registerUser(app.server, { displayName: `${name} Hopper` });
    const { users } = await search(`q=${encodeURIComponent(`  ${name.toLowerCase()} hop `)}`);
    expect(users.map((u) => u.id)).toEqual([target.user.id]);
  });

  it('treats % and _ as literal characters, not wildcards', async () => {
    const name = uniqueName('Pct');
    const literal = await registerUser(app.server, { displayName: `${name}%_x` });
    await registerUser(app.server, { displayName: `${name}ab_x` });
    const percent = await search(`q=${encodeURIComponent(`${name}%`)}`);
    expect(percent.users.map((u) => u.id)).toEqual([literal.user.id]);
    const underscore = await search(`q=${encodeURIComponent(`${name}_`)}`);
    expect(underscore.users).toEqual([]);
  });

  it('returns at most limit users, ordered by username', async () => {
    const prefix = uniqueName('lim').slice(0, 24);
    for (const suffix of ['c', 'a', 'b']) await registerUser(app.server, { username: `${prefix}_${suffix}` });
    const { users } = await search(`q=${prefix}&limit=2`);
    expect(users.map((u) => u.username)).toEqual([`${prefix}_a`, `${prefix}_b`]);
  });

  it('needs authentication', async () => {
    const response = await app.server.inject({ url: '/api/users?q=abc' });
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('unauthorized');
  });

  it('rejects an empty, blank or overlong query and an out-of-range limit', async () => {
    for (const query of ['', 'q=', 'q=%20%20', `q=${'a'.repeat(33)}`, 'q=abc&limit=0', 'q=abc&limit=21']) {
      const { response } = await search(query);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('still serves a single user by id next to the search', async () => {
    const response = await app.server.inject({
      url: `/api/users/${caller.user.id}`,
      headers: caller.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<User>().id).toBe(caller.user.id);
  });
});
