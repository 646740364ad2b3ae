import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, pathFor } from '@messaging-app/shared';
import type { EndpointName } from '@messaging-app/shared';
import { randomUUID } from 'node:crypto';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser } from './support/factories.js';
import type { TestUser } from './support/factories.js';

let app: TestApp;
let user: TestUser;
beforeAll(async () => {
  app = await buildTestApp();
  user = await registerUser(app.server);
});
afterAll(async () => {
  await app?.close();
});

/** A sentence: a capital first, a full stop last, none of zod's developer wording. */
const sentence = /^[A-Z][^]*[.]$/;
const developerWording = /expected|received|>=|<=|Invalid input|Too (small|big)|Unrecognized|currentPassword/;

describe('validation messages', () => {
  it('put each problem on its field, in words a person reads', async () => {
    const response = await app.server.inject({
      method: 'POST',
      url: api.register.path,
      payload: { username: 'a b', email: 'not an email', password: 'short' },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors).toEqual([
      { path: 'body.username', message: 'Use only letters, digits and underscores.' },
      { path: 'body.email', message: 'Enter a valid email address.' },
      { path: 'body.password', message: 'Use at least 8 characters.' },
    ]);
    const empty = await app.server.inject({ method: 'POST', url: api.register.path, payload: {} });
    expect(problemOf(empty).errors).toContainEqual({
      path: 'body.username',
      message: 'This field is required.',
    });
  });

  it('are sentences for every body of the route table, empty or of the wrong types', async () => {
    // Its own user: the sweep also reaches logout, which ends the session it calls with.
    const sweeper = await registerUser(app.server);
    const seen: string[] = [];
    for (const [name, endpoint] of Object.entries(api) as Array<[EndpointName, (typeof api)[EndpointName]]>) {
      if (!('body' in endpoint) || !endpoint.body) continue;
      const params: Record<string, string> = {};
      for (const match of endpoint.path.matchAll(/:([A-Za-z]+)/g)) params[match[1] as string] = randomUUID();
      for (const payload of [{}, { username: 7, name: 7, body: 7, seq: -1, userId: 'x', email: 7 }]) {
        const response = await app.server.inject({
          method: endpoint.method,
          url: pathFor(endpoint.path, params),
          headers: sweeper.headers,
          payload,
        });
        if (response.statusCode !== 400) continue;
        for (const error of problemOf(response).errors ?? []) {
          seen.push(error.message);
          expect(error.message, `${name}: ${error.path}`).toMatch(sentence);
          expect(error.message, `${name}: ${error.path}`).not.toMatch(developerWording);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(5);
  });

  it('name the field of a taken username and of a wrong current password', async () => {
    const taken = await app.server.inject({
      method: 'POST',
      url: api.register.path,
      payload: {
        username: user.user.username,
        email: `${randomUUID()}@example.test`,
        password: 'long enough',
      },
    });
    expect(taken.statusCode).toBe(409);
    expect(problemOf(taken)).toMatchObject({
      code: 'username_taken',
      errors: [{ path: 'body.username', message: 'This username is taken.' }],
    });

    const wrong = await app.server.inject({
      method: 'PATCH',
      url: api.updateProfile.path,
      headers: user.headers,
      payload: { password: 'a new password', currentPassword: 'not mine at all' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(problemOf(wrong).errors).toEqual([
      { path: 'body.currentPassword', message: 'Your current password is not correct.' },
    ]);

    const missing = await app.server.inject({
      method: 'PATCH',
      url: api.updateProfile.path,
      headers: user.headers,
      payload: { email: 'new@example.test' },
    });
    expect(problemOf(missing).errors).toEqual([
      { path: 'body.currentPassword', message: 'Enter your current password to change your email.' },
    ]);
  });
});
