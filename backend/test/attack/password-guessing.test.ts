import { afterAll, describe, expect, it } from 'vitest';
import { register } from 'prom-client';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { problemOf, registerUser } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { rateLimitsFromEnv } from '../../src/ratelimit/settings.js';
import type { RateLimits } from '../../src/ratelimit/settings.js';

const frontendDist = '/nonexistent-frontend-dist';
const apps: TestApp[] = [];

/** The production limits, with registration opened for the fixtures and the given changes. */
async function appWith(limits: Partial<RateLimits>): Promise<TestApp> {
  const app = await buildTestApp({
    config: { frontendDist },
    limits: { ...rateLimitsFromEnv({}), registerPerIpPerHour: 1000, ...limits },
  });
  apps.push(app);
  return app;
}
afterAll(async () => {
  for (const app of apps) await app.close();
});

async function verifications(): Promise<number> {
  const metric = await register.getSingleMetric('messaging_login_password_verifications_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

/** The thief holds the victim's access token and guesses the password through the profile. */
const guess = (app: TestApp, victim: TestUser, currentPassword: string) =>
  app.server.inject({
    method: 'PATCH',
    url: '/api/profile',
    headers: victim.headers,
    payload: { email: `stolen-${victim.user.username}@evil.example`, currentPassword },
  });

const login = (app: TestApp, victim: TestUser, password: string, ip: string) =>
  app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    payload: { login: victim.user.username, password },
  });

describe('password guessing through PATCH /api/profile', () => {
  it('50 wrong currentPasswords: 6 verifications (400), then 44 answers 429 with Retry-After, as for login', async () => {
    const app = await appWith({ loginSlowdownBaseMs: 60_000 });
    const victim = await registerUser(app.server);
    const start = await verifications();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const response = await guess(app, victim, `guess number ${i}`);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(problemOf(response).code).toBe('rate_limited');
      } else {
        expect(response.json()).toMatchObject({
          code: 'validation_failed',
          errors: [{ path: 'body.currentPassword' }],
        });
      }
    }
    const verified = (await verifications()) - start;
    console.log(`[attack:profile-guessing] attempts=50 verifications=${verified}`);
    // Five failures, then the one slow-down slot; the 7th attempt is the first 429.
    expect(statuses.slice(0, 6)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true);
    expect(verified).toBe(6);
    // The slow-down is the account's: a login from a new address is slowed down as well.
    const elsewhere = await login(app, victim, victim.password, '203.0.113.77');
    expect(elsewhere.statusCode).toBe(429);
    const profile = await app.server.inject({ url: '/api/profile', headers: victim.headers });
    expect(profile.json<{ email: string }>().email).toBe(victim.user.email);
  }, 120_000);

  it('the hard stop counts profile checks and logins together, and the right password does not reset it', async () => {
    const app = await appWith({ loginAccountMax: 5, loginSlowdownBaseMs: 0, loginPerIpPerMinute: 1000 });
    const victim = await registerUser(app.server);
    const owner = '198.51.100.60';
    expect((await login(app, victim, victim.password, owner)).statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await guess(app, victim, `wrong ${i}`)).statusCode).toBe(400);
    expect((await login(app, victim, 'wrong at login', '203.0.113.61')).statusCode).toBe(401);
    // Five verifications from unknown places: the 6th check is refused before any verification.
    const start = await verifications();
    const refused = await guess(app, victim, victim.password);
    expect(refused.statusCode).toBe(429);
    expect((await login(app, victim, victim.password, '203.0.113.62')).statusCode).toBe(429);
    expect((await verifications()) - start).toBe(0);
    // The owner's usual address keeps its own budget.
    expect((await login(app, victim, victim.password, owner)).statusCode).toBe(200);
  }, 120_000);

  it('a right currentPassword clears the failures, like a successful login', async () => {
    const app = await appWith({ loginSlowdownAfter: 3, loginSlowdownBaseMs: 60_000 });
    const victim = await registerUser(app.server);
    for (let i = 0; i < 3; i += 1) expect((await guess(app, victim, `slip ${i}`)).statusCode).toBe(400);
    const right = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: victim.headers,
      payload: { email: victim.user.email, currentPassword: victim.password },
    });
    expect(right.statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await guess(app, victim, `again ${i}`)).statusCode).toBe(400);
  }, 120_000);
});
