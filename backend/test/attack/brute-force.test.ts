import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from 'prom-client';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { registerUser } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { rateLimitsFromEnv } from '../../src/ratelimit/settings.js';

const frontendDist = '/nonexistent-frontend-dist';

async function verifications(): Promise<number> {
  const metric = await register.getSingleMetric('messaging_login_password_verifications_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/** A distributed attack: every attempt from a different address, so per-IP limits never trigger. */
const attackerAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function attack(app: TestApp, victim: TestUser, attempts: number, concurrency = 25) {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < attempts) {
      const i = next++;
      const response = await app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: attackerAddress(i + 1),
        payload: { login: i % 2 ? victim.user.username : victim.user.email, password: `guess-${i}-password` },
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

describe.each([
  { name: 'production defaults (slow-down after 5, hard stop at 100)', limits: {} },
  { name: 'slow-down off: only the hard stop stands', limits: { loginSlowdownBaseMs: 0 } },
])('brute force against one account, $name', ({ limits }) => {
  let app: TestApp;
  let victim: TestUser;
  const realAddress = '198.51.100.200';

  beforeAll(async () => {
    // The real limits, not the generous test ones; only registration is opened for the fixtures.
    app = await buildTestApp({
      config: { frontendDist },
      limits: { ...rateLimitsFromEnv({}), registerPerIpPerHour: 1000, ...limits },
    });
    victim = await registerUser(app.server);
    // The owner has used the account from their usual address before.
    const before = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: realAddress,
      payload: { login: victim.user.username, password: victim.password },
    });
    expect(before.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
  });

  it('1,000 wrong passwords: at most 100 verifications, no success, and the owner still logs in', async () => {
    const start = await verifications();
    const statuses = await attack(app, victim, 1000);
    const verified = (await verifications()) - start;
    const outcome = Object.fromEntries(statuses);
    console.log(
      `[attack:brute-force] ${JSON.stringify(limits)} attempts=1000 verifications=${verified} statuses=${JSON.stringify(outcome)}`,
    );
    expect(verified).toBeLessThanOrEqual(100);
    expect(statuses.get(200) ?? 0).toBe(0);
    expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(1000);
    const real = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: realAddress,
      payload: { login: victim.user.email, password: victim.password },
    });
    expect(real.statusCode).toBe(200);
  }, 120_000);
});
