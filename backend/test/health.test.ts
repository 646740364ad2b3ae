import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('operations endpoints', () => {
  it('answers liveness and readiness', async () => {
    expect((await app.server.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: expect.any(String) } });
  });

  it('turns unready once shutdown begins', async () => {
    const other = await buildTestApp();
    try {
      other.stopAccepting();
      const ready = await other.server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().status).toBe('unready');
    } finally {
      await other.close();
    }
  });
});

describe('API reference', () => {
  it('serves an OpenAPI 3 document with every route of the contract', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const endpoint of Object.values(api)) {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path], path).toBeDefined();
      expect(doc.paths[path][endpoint.method.toLowerCase()], `${endpoint.method} ${path}`).toBeDefined();
    }
  });

  it('renders the reference page at /docs', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});

describe('errors', () => {
  it('answers an unknown route with problem+json 404', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(problemOf(response)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answers an unsupported content type with 415', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { ...user.headers, 'content-type': 'text/xml' },
      payload: '<room/>',
    });
    expect(response.statusCode).toBe(415);
    expect(problemOf(response).code).toBe('unsupported_media_type');
  });

  it('answers a missing body with 400, not 500', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({ method: 'POST', url: '/api/rooms', headers: user.headers });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).status).toBe(400);
  });

  it('answers a JSON array or scalar body with 400', async () => {
    const user = await registerUser(app.server);
    for (const payload of ['[]', '"room"', 'null', '42']) {
      const response = await app.server.inject({
        method: 'POST',
        url: '/api/rooms',
        headers: { ...user.headers, 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode, payload).toBe(400);
    }
  });
});
