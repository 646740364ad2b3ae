import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { buildTestApp, testSecret } from '../support/app.js';
import { WsClient, wsUrl } from '../support/ws-client.js';
import type { TestApp } from '../support/app.js';
import { problemOf, registerUser } from '../support/factories.js';
import { testMode } from '../support/services.js';
import type { TestUser } from '../support/factories.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;
let user: TestUser;
const refused: string[] = [];

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist } });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  user = await registerUser(app.server);
});
afterAll(async () => {
  console.log(`[attack:tokens] refused=${refused.length} cases: ${refused.join(', ')}`);
  await app.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const key = new TextEncoder().encode(testSecret);

function claimsOf(token: string) {
  return decodeJwt(token) as { sub: string; sid: string; jti: string; iat: number; exp: number };
}

async function sign(
  claims: Record<string, unknown>,
  options: { alg?: string; secret?: Uint8Array; issuer?: string; audience?: string; exp?: number } = {},
) {
  const base = claimsOf(user.accessToken);
  return new SignJWT({ sid: base.sid, ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(base.sub)
    .setIssuer(options.issuer ?? 'messaging-app')
    .setAudience(options.audience ?? 'messaging-app')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(options.secret ?? key);
}

async function expectRefused(name: string, token: string, code?: string) {
  const response = await app.server.inject({
    url: '/api/profile',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.statusCode, name).toBe(401);
  if (code) expect(problemOf(response).code, name).toBe(code);
  refused.push(name);
}

describe('access tokens', () => {
  it('are HS256 JWTs of at most 15 minutes carrying jti and the session id', () => {
    const claims = claimsOf(user.accessToken);
    expect(decodeProtectedHeader(user.accessToken).alg).toBe('HS256');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(15 * 60);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an expired token is refused', async () => {
    await expectRefused(
      'expired',
      await sign({}, { exp: Math.floor(Date.now() / 1000) - 5 }),
      'token_expired',
    );
  });

  it('a tampered token is refused', async () => {
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const other = await registerUser(app.server);
    const forged = { ...claimsOf(user.accessToken), sub: claimsOf(other.accessToken).sub };
    await expectRefused('tampered payload', `${header}.${b64(forged)}.${signature}`);
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    await expectRefused('tampered signature', `${header}.${payload}.${flipped}`);
  });

  it('alg none and every other algorithm are refused', async () => {
    const [, payload] = user.accessToken.split('.') as [string, string];
    await expectRefused('alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`);
    await expectRefused('alg None', `${b64({ alg: 'None', typ: 'JWT' })}.${payload}.`);
    await expectRefused('HS512 with the right secret', await sign({}, { alg: 'HS512' }));
    await expectRefused('HS384 with the right secret', await sign({}, { alg: 'HS384' }));
  });

  it('a wrong secret, issuer or audience is refused', async () => {
    await expectRefused('wrong secret', await sign({}, { secret: new TextEncoder().encode('x'.repeat(64)) }));
    await expectRefused('wrong issuer', await sign({}, { issuer: 'someone-else' }));
    await expectRefused('wrong audience', await sign({}, { audience: 'someone-else' }));
    await expectRefused('missing session id', await sign({ sid: undefined }));
  });

  it('a token whose session was revoked by logout is refused at once', async () => {
    const victim = await registerUser(app.server);
    const logout = await app.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: victim.headers,
      payload: {},
    });
    expect(logout.statusCode).toBe(204);
    await expectRefused('revoked by logout', victim.accessToken, 'session_revoked');
  });

  it('a password change revokes the other sessions at once', async () => {
    const victim = await registerUser(app.server);
    const other = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: victim.user.username, password: victim.password },
    });
    const stolen = other.json<{ accessToken: string; refreshToken: string }>();
    const change = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: victim.headers,
      payload: { password: 'a brand new passphrase', currentPassword: victim.password },
    });
    expect(change.statusCode).toBe(200);
    await expectRefused('revoked by password change', stolen.accessToken, 'session_revoked');
    const refresh = await app.server.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: stolen.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('a reused refresh token is refused and revokes the whole family', async () => {
    const victim = await registerUser(app.server);
    const refresh = (token: string) =>
      app.server.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: token } });
    const first = await refresh(victim.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json<{ accessToken: string; refreshToken: string }>();
    // The thief replays the spent token…
    const replay = await refresh(victim.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(problemOf(replay).code).toBe('session_revoked');
    refused.push('reused refresh token');
    // …and every token of the family dies with it.
    expect((await refresh(rotated.refreshToken)).statusCode).toBe(401);
    refused.push('rotated refresh token of a revoked family');
    await expectRefused('access token of a revoked family', rotated.accessToken, 'session_revoked');
    const garbage = await refresh('not-a-refresh-token');
    expect(garbage.statusCode).toBe(401);
    refused.push('unknown refresh token');
  });
});

describe('tokens on the socket', () => {
  async function closedWith(token: string): Promise<number> {
    const socket = await WsClient.open(wsUrl(app.server));
    socket.send({ type: 'auth', token });
    return (await socket.closing()).code;
  }

  it('a socket refuses every bad token the HTTP API refuses', async () => {
    const [, payload] = user.accessToken.split('.') as [string, string];
    const cases: Array<[string, string]> = [
      ['ws expired', await sign({}, { exp: Math.floor(Date.now() / 1000) - 5 })],
      ['ws alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
      ['ws HS512', await sign({}, { alg: 'HS512' })],
      ['ws wrong audience', await sign({}, { audience: 'someone-else' })],
    ];
    for (const [name, token] of cases) {
      expect(await closedWith(token), name).toBe(4401);
      refused.push(name);
    }
  });

  it('logout closes the open sockets of the session at once', async () => {
    const victim = await registerUser(app.server);
    const socket = await WsClient.connect(wsUrl(app.server), victim.accessToken);
    const logout = await app.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: victim.headers,
      payload: {},
    });
    expect(logout.statusCode).toBe(204);
    expect((await socket.closing()).code).toBe(4409);
    expect(await closedWith(victim.accessToken)).toBe(4401);
    refused.push('ws revoked session');
  });
});

if (testMode === 'services') {
  describe('revocation across instances', () => {
    it('a logout on one instance refuses the token and closes its sockets on another at once', async () => {
      const prefix = `revoke-${crypto.randomUUID()}`;
      const first = await buildTestApp({ config: { frontendDist }, redisPrefix: prefix });
      const second = await buildTestApp({ config: { frontendDist }, redisPrefix: prefix, sharing: first });
      try {
        await second.server.listen({ host: '127.0.0.1', port: 0 });
        const victim = await registerUser(first.server);
        const socket = await WsClient.connect(wsUrl(second.server), victim.accessToken);
        const logout = await first.server.inject({
          method: 'POST',
          url: '/api/auth/logout',
          headers: victim.headers,
          payload: {},
        });
        expect(logout.statusCode).toBe(204);
        const elsewhere = await second.server.inject({ url: '/api/profile', headers: victim.headers });
        expect(elsewhere.statusCode).toBe(401);
        expect((await socket.closing()).code).toBe(4409);
        refused.push('revoked on another instance (HTTP and socket)');
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
}
