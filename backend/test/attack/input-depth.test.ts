import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, pathFor } from '@messaging-app/shared';
import type { Endpoint } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { createRoom, problemOf, registerUser } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { findNul, findTextFault } from '../../src/plugins/text-guard.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;
let user: TestUser;
let roomId: string;

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist } });
  user = await registerUser(app.server);
  roomId = (await createRoom(app.server, user)).id;
});
afterAll(async () => {
  await app.close();
});

const nested = (depth: number, inner = '"x"') => '['.repeat(depth) + inner + ']'.repeat(depth);

/** A value nested `depth` levels, built without recursion. */
function deepValue(depth: number): unknown {
  let value: unknown = 'bottom\u0000';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

const withBody = (Object.entries(api) as Array<[string, Endpoint]>).filter(([, e]) => e.body !== undefined);

describe('deeply nested JSON', () => {
  it('5,000 levels of nesting get 400 problem+json on every route with a body, signed in or not', async () => {
    expect(withBody.length).toBeGreaterThanOrEqual(8);
    let refused = 0;
    for (const [name, endpoint] of withBody) {
      const url = pathFor(endpoint.path, {
        id: roomId,
        userId: user.user.id,
        messageId: randomUUID(),
        emoji: '👍',
      });
      for (const payload of [nested(5000), `{"login":${nested(5000)},"password":"x"}`]) {
        const response = await app.server.inject({
          method: endpoint.method,
          url,
          headers: { ...(endpoint.auth ? user.headers : {}), 'content-type': 'application/json' },
          payload,
        });
        expect(response.statusCode, `${name} ${response.body}`).toBe(400);
        expect(problemOf(response).code, name).toBe('invalid_json');
        refused += 1;
      }
    }
    console.log(`[attack:input-depth] routes=${withBody.length} refused=${refused}`);
    expect(refused).toBe(withBody.length * 2);
  });

  it('65 levels are refused by the parser, 64 pass it and meet the schema (400, never 500)', async () => {
    const login = (payload: string) =>
      app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const tooDeep = await login(`{"login":${nested(64)},"password":"x"}`);
    expect(tooDeep.statusCode).toBe(400);
    expect(problemOf(tooDeep).code).toBe('invalid_json');
    const deepEnough = await login(`{"login":${nested(63)},"password":"x"}`);
    expect(deepEnough.statusCode).toBe(400);
    expect(problemOf(deepEnough).code).toBe('validation_failed');
    // Brackets inside strings are text, not nesting.
    const inString = await login(JSON.stringify({ login: '['.repeat(200), password: 'x' }));
    expect(inString.statusCode).toBe(401);
  });

  it('the text scan is iterative: 100,000 levels give an answer, not a stack overflow', () => {
    const value = deepValue(100_000);
    expect(findTextFault(value)).toEqual({ fault: 'too_deep', path: expect.stringMatching(/^a(\.a){63}$/) });
    expect(findNul(value)).toMatch(/^a(\.a){99999}$/);
    expect(findTextFault({ ok: ['fine', { also: 'fine' }] })).toBeNull();
    expect(findTextFault({ list: ['fine', 'bad\u0000'] })).toEqual({ fault: 'nul', path: 'list.1' });
  });
});
