import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createMemoryBus } from '../../src/bus/memory-bus.js';
import { createMemoryPresence } from '../../src/presence/memory-presence.js';
import { testConfig, testSecret } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import type { TestDatabase } from '../support/database.js';
import { testMode } from '../support/services.js';
import { createRoom, problemOf, registerUser } from '../support/factories.js';

let app: App;
let db: TestDatabase;
let logged = '';

beforeAll(async () => {
  db = await createTestDatabase(testMode);
  const config = testConfig(
    { frontendDist: '/nonexistent-frontend-dist', logLevel: 'trace' },
    { apiPerMinute: 5 },
  );
  // The production logger, with its redaction, writing where the test can read it.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  app = await buildApp({
    config,
    database: db.database,
    bus: createMemoryBus(),
    presence: createMemoryPresence(),
    logger: createLogger('trace', sink),
  });
  await app.server.ready();
});
afterAll(async () => {
  await app.server.close();
  await db.drop();
});

describe('responses carrying tokens and private data', () => {
  it('every API answer says Cache-Control: no-store, errors included (7 kinds checked)', async () => {
    const user = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    const answers = [
      await app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: user.user.username, password: user.password },
      }),
      await app.server.inject({ url: '/api/profile', headers: user.headers }),
      await app.server.inject({ url: `/api/rooms/${room.id}/messages`, headers: user.headers }),
      await app.server.inject({ url: '/api/notifications', headers: user.headers }),
      await app.server.inject({ url: '/api/profile' }),
      await app.server.inject({ url: '/api/nothing-here', headers: user.headers }),
      await app.server.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: user.refreshToken },
      }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 401, 404, 200]);
    for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
  });
});

describe('access tokens', () => {
  it('a correctly signed token without exp is refused with 401', async () => {
    const user = await registerUser(app.server);
    const claims = decodeJwt(user.accessToken) as { sub: string; sid: string };
    const noExp = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer('messaging-app')
      .setAudience('messaging-app')
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .sign(new TextEncoder().encode(testSecret));
    const response = await app.server.inject({
      url: '/api/profile',
      headers: { authorization: `Bearer ${noExp}` },
    });
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('unauthorized');
  });
});

describe('the per-user limit', () => {
  it('counts invalid requests too: 5 bad bodies spend the budget of 5, the 6th request gets 429', async () => {
    const user = await registerUser(app.server);
    for (let i = 0; i < 5; i += 1) {
      const bad = await app.server.inject({
        method: 'POST',
        url: '/api/rooms',
        headers: user.headers,
        payload: { name: '', visibility: 'sideways' },
      });
      expect(bad.statusCode).toBe(400);
    }
    const next = await app.server.inject({ url: '/api/profile', headers: user.headers });
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('the request log', () => {
  it('a token sent in a query string never reaches the log', async () => {
    const user = await registerUser(app.server);
    const before = logged.length;
    await app.server.inject({
      url: `/api/rooms?access_token=${user.accessToken}&token=${user.refreshToken}`,
    });
    await app.server.inject({ url: `/api/nowhere?token=${user.accessToken}` });
    expect(logged.length).toBeGreaterThan(before);
    for (const secret of [user.accessToken, user.refreshToken, user.accessToken.split('.')[2] as string]) {
      expect(logged).not.toContain(secret);
    }
  });
});
