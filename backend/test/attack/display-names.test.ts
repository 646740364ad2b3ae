import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { createRoom, joinRoom, registerUser, uniqueName } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist } });
});
afterAll(async () => {
  await app.close();
});

const rename = (user: TestUser, displayName: string) =>
  app.server.inject({
    method: 'PATCH',
    url: '/api/profile',
    headers: user.headers,
    payload: { displayName },
  });

describe('display names', () => {
  it('6 invisible-only or direction-reversing names are refused on the displayName field, at register and rename', async () => {
    const user = await registerUser(app.server);
    const bad = ['\u200b', '\u200b\u200c\u200d', '\u2060\u00ad', '\u202eevil', 'ok\u2066', '\u202dAdmin'];
    let refused = 0;
    for (const name of bad) {
      const renamed = await rename(user, name);
      expect(renamed.statusCode, JSON.stringify(name)).toBe(400);
      expect(renamed.json()).toMatchObject({ errors: [{ path: 'body.displayName' }] });
      const username = uniqueName();
      const registered = await app.server.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: {
          username,
          email: `${username}@example.test`,
          password: 'long enough pw',
          displayName: name,
        },
      });
      expect(registered.statusCode, JSON.stringify(name)).toBe(400);
      refused += 2;
    }
    console.log(`[attack:display-names] refused=${refused}`);
    expect(refused).toBe(12);
  });

  it('names are stored in NFC', async () => {
    const user = await registerUser(app.server);
    const renamed = await rename(user, 'Rene\u0301e');
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json<{ displayName: string }>().displayName).toBe('Ren\u00e9e');
  });

  it("a look-alike of a roommate's name is refused; the same name is fine among strangers", async () => {
    const owner = await registerUser(app.server, { displayName: 'Payroll Admin' });
    const room = await createRoom(app.server, owner);
    const impostor = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    await joinRoom(app.server, impostor, room.id);
    const looksAlike = [
      'Payroll Admin',
      'Pаyroll Аdmin' /* Cyrillic а, А */,
      'PAYR0LL ADMlN',
      'Payroll  Ad\u0301min',
    ];
    for (const name of looksAlike) {
      const response = await rename(impostor, name);
      expect(response.statusCode, name).toBe(400);
      expect(response.json()).toMatchObject({ errors: [{ path: 'body.displayName' }] });
    }
    expect((await rename(impostor, owner.user.username)).statusCode).toBe(400);
    expect((await rename(impostor, 'Payroll Helper')).statusCode).toBe(200);
    expect((await rename(stranger, 'Payroll Admin')).statusCode).toBe(200);
  });
});
