import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser, uniqueName } from './support/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('profile', () => {
  it('returns the caller with email and notification preferences', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({ method: 'GET', url: '/api/profile', headers: user.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: user.user.id,
      email: user.user.email,
      notificationPrefs: { email: 'mentions' },
    });
    expect(response.json()).not.toHaveProperty('passwordHash');
  });

  it('needs authentication', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/api/profile' });
    expect(response.statusCode).toBe(401);
    expect(problemOf(response).code).toBe('unauthorized');
  });

  it('changes the display name and notification preferences', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { displayName: '  Ada Lovelace ', notificationPrefs: { email: 'off' } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      displayName: 'Ada Lovelace',
      notificationPrefs: { email: 'off' },
    });
  });

  it('changes the password only with the current one, and ends the other sessions', async () => {
    const user = await registerUser(app.server);
    const other = (
      await app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: user.user.username, password: user.password },
      })
    ).json();
    const missing = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { password: 'a brand new password' },
    });
    expect(missing.statusCode).toBe(400);
    const wrong = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { password: 'a brand new password', currentPassword: 'not it at all' },
    });
    expect(wrong.statusCode).toBe(400);
    const ok = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { password: 'a brand new password', currentPassword: user.password },
    });
    expect(ok.statusCode).toBe(200);
    const oldLogin = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: user.password },
    });
    expect(oldLogin.statusCode).toBe(401);
    const newLogin = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: 'a brand new password' },
    });
    expect(newLogin.statusCode).toBe(200);
    const otherSession = await app.server.inject({
      method: 'GET',
      url: '/api/profile',
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(otherSession.statusCode).toBe(401);
    const thisSession = await app.server.inject({
      method: 'GET',
      url: '/api/profile',
      headers: user.headers,
    });
    expect(thisSession.statusCode).toBe(200);
  });

  it('answers an email another account has like any other (no 409): the email stays until a link is followed', async () => {
    const user = await registerUser(app.server);
    const other = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { email: other.user.email.toUpperCase(), currentPassword: user.password },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ email: user.user.email });
  });

  it('ignores fields it does not know', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { id: randomUUID(), username: uniqueName(), createdAt: '2000-01-01T00:00:00Z' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: user.user.id, username: user.user.username });
  });

  it('rejects an invalid preference with 400', async () => {
    const user = await registerUser(app.server);
    const response = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { notificationPrefs: { email: 'always' } },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('validation_failed');
  });
});

describe('users', () => {
  it('shows another user without their email', async () => {
    const viewer = await registerUser(app.server);
    const other = await registerUser(app.server, { displayName: 'Grace' });
    const response = await app.server.inject({
      method: 'GET',
      url: `/api/users/${other.user.id}`,
      headers: viewer.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: other.user.id,
      username: other.user.username,
      displayName: 'Grace',
      avatarUrl: null,
      createdAt: other.user.createdAt,
    });
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const viewer = await registerUser(app.server);
    const unknown = await app.server.inject({
      method: 'GET',
      url: `/api/users/${randomUUID()}`,
      headers: viewer.headers,
    });
    expect(unknown.statusCode).toBe(404);
    const malformed = await app.server.inject({
      method: 'GET',
      url: '/api/users/not-an-id',
      headers: viewer.headers,
    });
    expect(malformed.statusCode).toBe(400);
  });
});
