import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { InjectOptions } from 'fastify';
import { buildTestApp, testSecret } from './support/app.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser, uniqueName } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const inject = (options: InjectOptions) => app.server.inject(options);

describe('register', () => {
  it('creates an account and returns a session', async () => {
    const username = uniqueName();
    const response = await inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        username,
        email: `${username}@Example.TEST`,
        password: 'long enough pw',
        displayName: 'Ann',
      },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user).toMatchObject({ username, displayName: 'Ann', email: `${username}@example.test` });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.expiresIn).toBeLessThanOrEqual(900);
    expect(typeof body.accessToken).toBe('string');
    expect(typeof body.refreshToken).toBe('string');
  });

  it('refuses a username taken in another case with 409', async () => {
    const user = await registerUser(app.server);
    const response = await inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        username: user.user.username.toUpperCase(),
        email: `${uniqueName()}@x.test`,
        password: 'long enough pw',
      },
    });
    expect(response.statusCode).toBe(409);
    expect(problemOf(response).code).toBe('username_taken');
  });

  it('refuses an email taken in another case with 409', async () => {
    const user = await registerUser(app.server);
    const response = await inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: uniqueName(), email: user.user.email.toUpperCase(), password: 'long enough pw' },
    });
    expect(response.statusCode).toBe(409);
    expect(problemOf(response).code).toBe('email_taken');
  });

  it('answers invalid fields with 400 and a path for each', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'a b', email: 'nope', password: 'short' },
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.email',
      'body.password',
      'body.username',
    ]);
  });

  it('answers malformed JSON with 400 and a body over 1 MB with 413', async () => {
    const malformed = await inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(problemOf(malformed).code).toBe('invalid_json');
    const huge = await inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(problemOf(huge).code).toBe('too_large');
  });

  it('never stores fields it does not know', async () => {
    const username = uniqueName();
    const response = await inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        username,
        email: `${username}@x.test`,
        password: 'long enough pw',
        id: '00000000-0000-4000-8000-000000000000',
        isAdmin: true,
        passwordHash: 'x',
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().user.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(response.json().user).not.toHaveProperty('isAdmin');
  });
});

describe('login', () => {
  it('accepts the username or the email in any case', async () => {
    const user = await registerUser(app.server);
    for (const login of [user.user.username.toUpperCase(), user.user.email.toUpperCase()]) {
      const response = await inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login, password: user.password },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().user.id).toBe(user.user.id);
    }
  });

  it('refuses a wrong password and an unknown login alike with 401', async () => {
    const user = await registerUser(app.server);
    const wrong = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: 'not the password' },
    });
    const unknown = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: uniqueName(), password: 'whatever it is' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(problemOf(wrong).detail).toBe(problemOf(unknown).detail);
  });
});

describe('refresh', () => {
  it('rotates the pair and spends the old refresh token', async () => {
    const user = await registerUser(app.server);
    const first = await inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: user.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const next = first.json();
    expect(next.refreshToken).not.toBe(user.refreshToken);
    const profile = await inject({
      method: 'GET',
      url: '/api/profile',
      headers: { authorization: `Bearer ${next.accessToken}` },
    });
    expect(profile.statusCode).toBe(200);
  });

  it('revokes the whole family when a spent refresh token comes back', async () => {
    const user = await registerUser(app.server);
    const rotated = (
      await inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: user.refreshToken } })
    ).json();
    const reuse = await inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: user.refreshToken },
    });
    expect(reuse.statusCode).toBe(401);
    const legit = await inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: rotated.refreshToken },
    });
    expect(legit.statusCode).toBe(401);
    const access = await inject({
      method: 'GET',
      url: '/api/profile',
      headers: { authorization: `Bearer ${rotated.accessToken}` },
    });
    expect(access.statusCode).toBe(401);
  });

  it('refuses an unknown refresh token', async () => {
    const response = await inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: 'nope' },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('logout', () => {
  it('revokes the access token at once', async () => {
    const user = await registerUser(app.server);
    const out = await inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers, payload: {} });
    expect(out.statusCode).toBe(204);
    const after = await inject({ method: 'GET', url: '/api/profile', headers: user.headers });
    expect(after.statusCode).toBe(401);
    expect(problemOf(after).code).toBe('session_revoked');
    const refresh = await inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('leaves the user’s other sessions alone', async () => {
    const user = await registerUser(app.server);
    const other = (
      await inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: user.user.username, password: user.password },
      })
    ).json();
    await inject({ method: 'POST', url: '/api/auth/logout', headers: user.headers });
    const still = await inject({
      method: 'GET',
      url: '/api/profile',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(still.statusCode).toBe(200);
  });
});

describe('access tokens', () => {
  const sign = (claims: Record<string, unknown>, alg = 'HS256', secret = testSecret) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer('messaging-app')
      .setAudience('messaging-app')
      .setIssuedAt()
      .sign(new TextEncoder().encode(secret));

  it('refuses a missing, tampered, foreign or expired token with 401', async () => {
    const user = await registerUser(app.server);
    const [h, p, s] = user.accessToken.split('.');
    const tampered = `${h}.${p}x.${s}`;
    const foreign = await sign(
      { sub: user.user.id, sid: 'x', jti: 'y' },
      'HS256',
      'another-secret-another-secret-another',
    );
    const expired = await new SignJWT({ sid: 'x', jti: 'y' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.user.id)
      .setIssuer('messaging-app')
      .setAudience('messaging-app')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(testSecret));
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    for (const token of [undefined, 'garbage', tampered, foreign, expired, none]) {
      const response = await inject({
        method: 'GET',
        url: '/api/profile',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(problemOf(response).status).toBe(401);
    }
  });

  it('refuses a token signed with another algorithm', async () => {
    const user = await registerUser(app.server);
    const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1] ?? '', 'base64url').toString());
    const hs512 = await sign(claims, 'HS512');
    const response = await inject({
      method: 'GET',
      url: '/api/profile',
      headers: { authorization: `Bearer ${hs512}` },
    });
    expect(response.statusCode).toBe(401);
  });
});
