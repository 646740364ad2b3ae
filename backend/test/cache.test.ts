import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { register } from 'prom-client';
import { buildTestApp, metricsHeaders } from './support/app.js';
import type { TestApp } from './support/app.js';
import { acquaint, createRoom, joinRoom, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { services, testMode } from './support/services.js';
import { createMemoryCacheStore } from '../src/cache/memory-store.js';
import { createRedisCacheStore } from '../src/cache/redis-store.js';
import type { CacheStore } from '../src/cache/store.js';

const frontendDist = '/nonexistent-frontend-dist';
const apps: TestApp[] = [];
let first: TestApp;
/** A second instance on the same database and Redis (services mode); the first one otherwise. */
let second: TestApp;

beforeAll(async () => {
  const prefix = uniqueName('cache');
  first = await buildTestApp({ config: { frontendDist }, cachePrefix: prefix });
  apps.push(first);
  second =
    testMode === 'services'
      ? await buildTestApp({ config: { frontendDist }, sharing: first, cachePrefix: prefix })
      : first;
  if (second !== first) apps.push(second);
});
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

async function counterValue(name: string, cache: string): Promise<number> {
  const metric = await register.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels.cache === cache)?.value ?? 0;
}

const history = (app: TestApp, user: TestUser, roomId: string) =>
  app.server.inject({ url: `/api/rooms/${roomId}/messages`, headers: user.headers });

describe('the cache store', () => {
  let redis: Redis | undefined;
  let store: CacheStore;
  beforeAll(() => {
    redis =
      testMode === 'services' ? new Redis(services.redis, { keyPrefix: `test-${randomUUID()}:` }) : undefined;
    store = redis ? createRedisCacheStore(redis) : createMemoryCacheStore();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('serves what was written and forgets it on invalidation', async () => {
    const key = uniqueName('k');
    const miss = await store.read(key);
    expect(miss.value).toBeNull();
    await store.write(key, miss.generation, 'v1', 60);
    expect((await store.read(key)).value).toBe('v1');
    await store.invalidate(key, 60);
    expect((await store.read(key)).value).toBeNull();
  });

  it('never serves a value computed before an invalidation (the stale write-back race)', async () => {
    const key = uniqueName('k');
    const before = await store.read(key);
    await store.invalidate(key, 60);
    await store.write(key, before.generation, 'stale member', 60);
    expect((await store.read(key)).value).toBeNull();
  });
});

describe('membership cache', () => {
  it('a kicked member is refused on the very next request, on every instance', async () => {
    const owner = await registerUser(first.server);
    const member = await registerUser(first.server);
    const room = await createRoom(first.server, owner, { visibility: 'private' });
    await acquaint(first.server, owner, member);
    const add = await first.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/participants`,
      headers: owner.headers,
      payload: { userId: member.user.id },
    });
    expect(add.statusCode).toBe(201);
    const hitsBefore = await counterValue('messaging_cache_hits_total', 'membership');
    // Warm both instances' view of the membership.
    expect((await history(first, member, room.id)).statusCode).toBe(200);
    expect((await history(second, member, room.id)).statusCode).toBe(200);
    expect((await history(second, member, room.id)).statusCode).toBe(200);
    expect(await counterValue('messaging_cache_hits_total', 'membership')).toBeGreaterThan(hitsBefore);

    const kick = await first.server.inject({
      method: 'DELETE',
      url: `/api/rooms/${room.id}/participants/${member.user.id}`,
      headers: owner.headers,
    });
    expect(kick.statusCode).toBe(204);
    expect((await history(second, member, room.id)).statusCode).toBe(404);
    expect((await history(first, member, room.id)).statusCode).toBe(404);
  });

  it('a member who leaves is refused at once, and joining is seen at once', async () => {
    const owner = await registerUser(first.server);
    const user = await registerUser(first.server);
    const room = await createRoom(first.server, owner);
    // A cached "not a member" must not outlive the join.
    expect((await history(second, user, room.id)).statusCode).toBe(403);
    await joinRoom(first.server, user, room.id);
    expect((await history(second, user, room.id)).statusCode).toBe(200);
    const leave = await second.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/leave`,
      headers: user.headers,
    });
    expect(leave.statusCode).toBe(204);
    expect((await history(first, user, room.id)).statusCode).toBe(403);
  });

  it('the owner leaving hands the room to an heir whose new role is seen at once', async () => {
    const owner = await registerUser(first.server);
    const heir = await registerUser(first.server);
    const room = await createRoom(first.server, owner);
    await joinRoom(first.server, heir, room.id);
    const rename = (name: string) =>
      second.server.inject({
        method: 'PATCH',
        url: `/api/rooms/${room.id}`,
        headers: heir.headers,
        payload: { name },
      });
    expect((await rename(uniqueName('before'))).statusCode).toBe(403);
    await first.server.inject({ method: 'POST', url: `/api/rooms/${room.id}/leave`, headers: owner.headers });
    expect((await rename(uniqueName('after'))).statusCode).toBe(200);
  });
});

describe('profile cache', () => {
  it('a profile change is seen at once by every instance, and lookups are counted', async () => {
    const user = await registerUser(first.server);
    const viewer = await registerUser(first.server);
    const get = (app: TestApp) =>
      app.server.inject({ url: `/api/users/${user.user.id}`, headers: viewer.headers });
    const missesBefore = await counterValue('messaging_cache_misses_total', 'profile');
    const hitsBefore = await counterValue('messaging_cache_hits_total', 'profile');
    expect((await get(first)).json()).toMatchObject({ displayName: user.user.displayName });
    expect((await get(second)).json()).toMatchObject({ displayName: user.user.displayName });
    expect(await counterValue('messaging_cache_misses_total', 'profile')).toBe(missesBefore + 1);
    expect(await counterValue('messaging_cache_hits_total', 'profile')).toBe(hitsBefore + 1);

    const renamed = uniqueName('Display');
    const patch = await second.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { displayName: renamed },
    });
    expect(patch.statusCode).toBe(200);
    expect((await get(first)).json()).toMatchObject({ displayName: renamed });
    expect((await get(second)).json()).toMatchObject({ displayName: renamed });
    expect((await get(first)).json()).not.toHaveProperty('email');
  });

  it('hit and miss counters are on /metrics', async () => {
    const response = await first.server.inject({ url: '/metrics', headers: metricsHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('messaging_cache_hits_total{cache="membership"}');
    expect(response.body).toContain('messaging_cache_misses_total{cache="profile"}');
  });
});
