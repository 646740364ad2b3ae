import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { registerUser, uniqueName } from '../support/factories.js';
import { passwordProblem } from '../../src/services/auth/password-policy.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist } });
});
afterAll(async () => {
  await app.close();
});

const attempt = (username: string, password: string, local = 'somebody') =>
  app.server.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { username, email: `${local}@example.test`, password },
  });

describe('password policy (NIST SP 800-63B)', () => {
  it('registration refuses 8 weak passwords with the reason on the password field, and takes a passphrase', async () => {
    const username = uniqueName('Policy');
    const local = uniqueName('mailbox').toLowerCase();
    const weak: Array<[string, RegExp]> = [
      ['password', /most common/],
      ['12345678', /most common/],
      ['qwertyuiop', /most common/],
      ['Password1', /most common/],
      [username, /username/],
      [`${username}2026!`, /username/],
      [`${local}@example.test`, /email/],
      [`my ${local} pw`, /email/],
    ];
    let refused = 0;
    for (const [password, reason] of weak) {
      const response = await attempt(username, password, local);
      expect(response.statusCode, password).toBe(400);
      const body = response.json<{ code: string; errors: Array<{ path: string; message: string }> }>();
      expect(body.code).toBe('validation_failed');
      expect(body.errors[0]?.path).toBe('body.password');
      expect(body.errors[0]?.message, password).toMatch(reason);
      // Shown as it is under the field: a sentence.
      expect(body.errors[0]?.message, password).toMatch(/^[A-Z].*\.$/);
      refused += 1;
    }
    const short = await attempt(username, 'seven77');
    expect(short.statusCode).toBe(400);
    expect(short.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe('body.password');
    console.log(`[attack:password-policy] refused=${refused + 1} of ${weak.length + 1}`);
    // No composition rules: lower-case words with spaces are a fine password.
    expect((await attempt(username, 'purple tuesday lantern', local)).statusCode).toBe(201);
  });

  it('a password change is held to the same policy, checked before the current password is', async () => {
    const user = await registerUser(app.server);
    for (const password of ['qwertyuiop', `${user.user.username}!!`]) {
      const response = await app.server.inject({
        method: 'PATCH',
        url: '/api/profile',
        headers: user.headers,
        payload: { password, currentPassword: user.password },
      });
      expect(response.statusCode, password).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ path: 'body.password' }] });
    }
    const good = await app.server.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: user.headers,
      payload: { password: 'an entirely new passphrase', currentPassword: user.password },
    });
    expect(good.statusCode).toBe(200);
  });

  it('short context words are refused only as the whole password', () => {
    const owner = { username: 'bob', email: 'al@example.test' };
    expect(passwordProblem('bob', owner)).toMatch(/8 characters/);
    expect(passwordProblem('bobsled racing team', owner)).toBeNull();
    expect(passwordProblem('al@example.test', owner)).toMatch(/email/);
    expect(passwordProblem('DRAGONBALL', owner)).toMatch(/most common/);
  });
});
