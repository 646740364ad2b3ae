import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, problemOf, registerUser, uniqueName } from './support/factories.js';
import { services, testMode } from './support/services.js';
import { createMemoryLimiterStore } from '../src/ratelimit/memory-store.js';
import { createRedisLimiterStore } from '../src/ratelimit/redis-store.js';
import { limitMessageSend } from '../src/ratelimit/limiter.js';
import type { LimiterStore } from '../src/ratelimit/store.js';
import type { RateLimits } from '../src/ratelimit/settings.js';

const frontendDist = '/nonexistent-frontend-dist';
const apps: TestApp[] = [];

async function appWith(limits: Partial<RateLimits>, cachePrefix?: string): Promise<TestApp> {
  const app = await buildTestApp({ config: { frontendDist }, limits, cachePrefix });
  apps.push(app);
  return app;
}

afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

function expectRateLimited(response: Awaited<ReturnType<TestApp['server']['inject']>>) {
  expect(response.statusCode).toBe(429);
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(problemOf(response).code).toBe('rate_limited');
}

describe('the limiter store', () => {
  let redis: Redis | undefined;
  let store: LimiterStore;
  beforeAll(() => {
    if (testMode === 'services') {
      redis = new Redis(services.redis, { keyPrefix: `test-${randomUUID()}:` });
      store = createRedisLimiterStore(redis);
    } else {
      store = createMemoryLimiterStore();
    }
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('a token bucket allows its burst, then asks to come back after one refill', async () => {
    const key = uniqueName('bucket');
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await store.take(key, 3, 1));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]?.retryAfterMs).toBeGreaterThan(0);
    expect(results[3]?.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it('a counter counts within its window and a slot is claimed once', async () => {
    const key = uniqueName('counter');
    await store.increment(key, 60_000);
    const second = await store.increment(key, 60_000);
    expect(second.count).toBe(2);
    expect(second.ttlMs).toBeGreaterThan(50_000);
    expect(await store.count(key)).toBe(2);
    const claims = await Promise.all([
      store.claim(`${key}:slot`, 60_000),
      store.claim(`${key}:slot`, 60_000),
    ]);
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });
});

describe('HTTP rate limits', () => {
  it('the general per-user limit answers 429 with Retry-After and problem+json, per user', async () => {
    const app = await appWith({ apiPerMinute: 3 });
    const alice = await registerUser(app.server);
    const bob = await registerUser(app.server);
    for (let i = 0; i < 3; i += 1) {
      expect((await app.server.inject({ url: '/api/profile', headers: alice.headers })).statusCode).toBe(200);
    }
    expectRateLimited(await app.server.inject({ url: '/api/profile', headers: alice.headers }));
    expect((await app.server.inject({ url: '/api/profile', headers: bob.headers })).statusCode).toBe(200);
  });

  it('login is limited per address, and a real user elsewhere still logs in', async () => {
    const app = await appWith({ loginPerIpPerMinute: 3 });
    const user = await registerUser(app.server);
    const attack = () =>
      app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.9',
        payload: { login: uniqueName('nobody'), password: 'wrong password' },
      });
    for (let i = 0; i < 3; i += 1) expect((await attack()).statusCode).toBe(401);
    expectRateLimited(await attack());
    const real = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '198.51.100.7',
      payload: { login: user.user.username, password: user.password },
    });
    expect(real.statusCode).toBe(200);
  });

  it('behind a trusted proxy, a forged X-Forwarded-For does not buy a fresh address', async () => {
    const app = await buildTestApp({
      config: { frontendDist, trustProxy: ['10.0.0.0/8'] },
      limits: { loginPerIpPerMinute: 2 },
    });
    apps.push(app);
    const attempt = (forged: string, real: string) =>
      app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        // The proxy appends the address it saw to whatever the client sent.
        remoteAddress: '10.0.0.2',
        headers: { 'x-forwarded-for': `${forged}, ${real}` },
        payload: { login: uniqueName('nobody'), password: 'wrong password' },
      });
    expect((await attempt('1.1.1.1', '203.0.113.60')).statusCode).toBe(401);
    expect((await attempt('2.2.2.2', '203.0.113.60')).statusCode).toBe(401);
    expectRateLimited(await attempt('3.3.3.3', '203.0.113.60'));
    expect((await attempt('3.3.3.3', '203.0.113.61')).statusCode).toBe(401);
  });

  it('registration is limited per address', async () => {
    const app = await appWith({ registerPerIpPerHour: 2 });
    const register = (ip: string) => {
      const username = uniqueName();
      return app.server.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: ip,
        payload: { username, email: `${username}@example.test`, password: 'correct horse battery' },
      });
    };
    expect((await register('203.0.113.20')).statusCode).toBe(201);
    expect((await register('203.0.113.20')).statusCode).toBe(201);
    expectRateLimited(await register('203.0.113.20'));
    expect((await register('203.0.113.21')).statusCode).toBe(201);
  });

  it('message sends share one bucket per user across REST and the gateway', async () => {
    const app = await appWith({ messageBurst: 3, messagesPerSecond: 0.1 });
    const user = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    const send = () =>
      app.server.inject({
        method: 'POST',
        url: `/api/rooms/${room.id}/messages`,
        headers: user.headers,
        payload: { body: 'hello', clientMsgId: randomUUID() },
      });
    expect((await send()).statusCode).toBe(201);
    expect((await send()).statusCode).toBe(201);
    // The gateway's path takes the third token…
    await limitMessageSend(app.server.limiter, user.user.id);
    // …so REST is out of budget.
    expectRateLimited(await send());
    await expect(limitMessageSend(app.server.limiter, user.user.id)).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
    });
  });
});

describe('login per account', () => {
  const login = (app: TestApp, loginName: string, password: string, ip: string) =>
    app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { login: loginName, password },
    });

  it('after the allowed failures, attempts on the account are slowed down whatever the address', async () => {
    const app = await appWith({ loginSlowdownAfter: 2, loginSlowdownBaseMs: 60_000 });
    const user = await registerUser(app.server);
    expect((await login(app, user.user.username, 'wrong one', '203.0.113.30')).statusCode).toBe(401);
    expect((await login(app, user.user.username, 'wrong two', '203.0.113.31')).statusCode).toBe(401);
    // The first slow-down slot is open, the next ones within the delay are not.
    expect((await login(app, user.user.username, 'wrong three', '203.0.113.32')).statusCode).toBe(401);
    const slowed = await login(app, user.user.username, user.password, '203.0.113.33');
    expectRateLimited(slowed);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(59);
  });

  it('stops at the hard limit until the window passes, but an address that logged in before keeps its own budget', async () => {
    // The first login, from a then unknown address, spends one of the five shared verifications.
    const app = await appWith({ loginAccountMax: 5, loginSlowdownBaseMs: 0, loginPerIpPerMinute: 1000 });
    const user = await registerUser(app.server);
    expect((await login(app, user.user.email, user.password, '198.51.100.50')).statusCode).toBe(200);
    for (let i = 0; i < 4; i += 1) {
      expect((await login(app, user.user.username, `wrong ${i}`, `203.0.113.${40 + i}`)).statusCode).toBe(
        401,
      );
    }
    // Even the right password is refused from an unknown address: no verification takes place.
    expectRateLimited(await login(app, user.user.username, user.password, '203.0.113.49'));
    expect((await login(app, user.user.username, user.password, '198.51.100.50')).statusCode).toBe(200);
  });
});

if (testMode === 'services') {
  describe('limits across instances', () => {
    it('two API instances spend one Redis budget', async () => {
      const prefix = uniqueName('shared');
      const first = await appWith({ apiPerMinute: 4 }, prefix);
      const second = await buildTestApp({
        config: { frontendDist },
        limits: { apiPerMinute: 4 },
        sharing: first,
        cachePrefix: prefix,
      });
      apps.push(second);
      const user = await registerUser(first.server);
      const on = (app: TestApp) => app.server.inject({ url: '/api/profile', headers: user.headers });
      expect((await on(first)).statusCode).toBe(200);
      expect((await on(second)).statusCode).toBe(200);
      expect((await on(first)).statusCode).toBe(200);
      expect((await on(second)).statusCode).toBe(200);
      expectRateLimited(await on(first));
      expectRateLimited(await on(second));
    });
  });
}
