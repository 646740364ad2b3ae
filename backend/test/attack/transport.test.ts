import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createMemoryBus } from '../../src/bus/memory-bus.js';
import { createMemoryPresence } from '../../src/presence/memory-presence.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import type { TestDatabase } from '../support/database.js';
import { testMode } from '../support/services.js';
import { createRoom, problemOf, registerUser } from '../support/factories.js';
import { WsClient, wsUrl } from '../support/ws-client.js';

const allowed = 'https://chat.example.test';
let app: App;
let db: TestDatabase;
let logged = '';
let checks = 0;

beforeAll(async () => {
  db = await createTestDatabase(testMode);
  const config = testConfig(
    { corsOrigins: [allowed], frontendDist: '/nonexistent-frontend-dist', logLevel: 'trace' },
    { wsFrameBurst: 30, wsFramesPerSecond: 1, messageBurst: 2, messagesPerSecond: 0.01 },
  );
  // The production logger, with its redaction, writing where the test can read it.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const logger = createLogger('trace', sink);
  app = await buildApp({
    config,
    database: db.database,
    bus: createMemoryBus(),
    presence: createMemoryPresence(),
    logger,
  });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  console.log(`[attack:transport] checks=${checks}`);
  await app.server.close();
  await db.drop();
});

describe('headers', () => {
  it('helmet sends a CSP that fits the single-page app, and the usual hardening headers', async () => {
    const response = await app.server.inject({ url: '/healthz' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
    checks += 1;
  });

  it('CORS answers the allow-listed origin only and never allows credentials', async () => {
    const preflight = (origin: string) =>
      app.server.inject({
        method: 'OPTIONS',
        url: '/api/rooms',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const good = await preflight(allowed);
    expect(good.headers['access-control-allow-origin']).toBe(allowed);
    expect(good.headers['access-control-allow-credentials']).toBeUndefined();
    for (const evil of [
      'https://evil.example',
      'null',
      `${allowed}.evil.example`,
      'https://chat.example.test:8443',
    ]) {
      const response = await preflight(evil);
      expect(response.headers['access-control-allow-origin'], evil).toBeUndefined();
      const simple = await app.server.inject({ url: '/healthz', headers: { origin: evil } });
      expect(simple.headers['access-control-allow-origin'], evil).toBeUndefined();
      checks += 1;
    }
  });
});

describe('body and frame limits', () => {
  it('a body over 1 MB is refused with 413 problem+json', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', visibility: 'public', description: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(problemOf(response).code).toBe('too_large');
    checks += 1;
  });

  it('a frame over the frame limit closes the socket with 1009', async () => {
    const user = await registerUser(app.server);
    const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);
    socket.send(JSON.stringify({ type: 'typing', roomId: randomUUID(), pad: 'x'.repeat(70 * 1024) }));
    expect((await socket.closing()).code).toBe(1009);
    checks += 1;
  });

  it('a frame flood closes the connection; a bad frame alone does not', async () => {
    const user = await registerUser(app.server);
    const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);
    socket.send('not json');
    expect(await socket.nextOf('error')).toMatchObject({ type: 'error' });
    for (let i = 0; i < 100; i += 1) socket.send({ type: 'ping' });
    const closed = await socket.closing();
    expect([1008, 4429]).toContain(closed.code);
    checks += 1;
  });

  it('message sends over the socket spend the same per-user bucket as REST', async () => {
    const user = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);
    const send = () =>
      socket.send({ type: 'message.send', roomId: room.id, body: 'hi', clientMsgId: randomUUID() });
    const rest = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/messages`,
      headers: user.headers,
      payload: { body: 'over REST', clientMsgId: randomUUID() },
    });
    expect(rest.statusCode).toBe(201);
    send();
    expect((await socket.nextOf('message.ack')).type).toBe('message.ack');
    send();
    expect(await socket.nextOf('error')).toMatchObject({ code: 'rate_limited' });
    socket.close();
    checks += 1;
  });

  it('the WebSocket handshake from a foreign origin is refused', async () => {
    await expect(
      WsClient.open(wsUrl(app.server), { headers: { origin: 'https://evil.example' } }),
    ).rejects.toThrow();
    checks += 1;
  });
});

describe('text the database cannot store', () => {
  it('a NUL character is refused with 400 over HTTP and an error frame over the socket, never a 500', async () => {
    const user = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    const rest = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/messages`,
      headers: user.headers,
      payload: { body: 'a\u0000b', clientMsgId: randomUUID() },
    });
    expect(rest.statusCode).toBe(400);
    expect(problemOf(rest).code).toBe('validation_failed');
    const search = await app.server.inject({ url: '/api/rooms/discover?q=%00', headers: user.headers });
    expect(search.statusCode).toBe(400);
    const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);
    socket.send({ type: 'message.send', roomId: room.id, body: 'a\u0000b', clientMsgId: randomUUID() });
    const answer = await socket.next((f) => f.type === 'error' || f.type === 'message.ack');
    expect(answer.type).toBe('error');
    expect(answer).not.toMatchObject({ code: 'internal' });
    socket.close();
    checks += 1;
  });
});

describe('no credential in any log line', () => {
  it('passwords, access and refresh tokens never reach the log', async () => {
    const user = await registerUser(app.server);
    const login = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: user.password },
    });
    const pair = login.json<{ accessToken: string; refreshToken: string }>();
    await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: 'wrong-password-123' },
    });
    const refreshed = await app.server.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: pair.refreshToken },
    });
    await app.server.inject({
      url: '/api/profile',
      headers: { authorization: `Bearer ${pair.accessToken}` },
    });
    const socket = await WsClient.connect(wsUrl(app.server), pair.accessToken);
    socket.send({ type: 'auth', token: pair.accessToken });
    await socket.nextOf('error');
    socket.close();
    await app.server.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${refreshed.json<{ accessToken: string }>().accessToken}` },
      payload: { refreshToken: refreshed.json<{ refreshToken: string }>().refreshToken },
    });
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [
      user.password,
      'wrong-password-123',
      pair.accessToken,
      pair.refreshToken,
      user.refreshToken,
    ]) {
      expect(logged).not.toContain(secret);
    }
    // Signatures alone must not be there either: a token cut in the middle is still a token.
    expect(logged).not.toContain(pair.accessToken.split('.')[2]);
    checks += 1;
  });
});
