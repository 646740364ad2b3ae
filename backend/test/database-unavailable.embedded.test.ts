import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, registerUser } from './support/factories.js';

describe('the embedded database failing', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.server.close();
    app = undefined;
  });

  it('a closed PGlite answers 503 unavailable with Retry-After, and /readyz turns unready', async () => {
    app = await buildTestApp({ mode: 'embedded' });
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    await app.db.database.close();

    const send = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/messages`,
      headers: owner.headers,
      payload: { body: 'into the void' },
    });
    expect(send.statusCode, send.body).toBe(503);
    expect(String(send.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(send.json()).toMatchObject({ status: 503, code: 'unavailable' });
    expect(Number(send.headers['retry-after'])).toBeGreaterThan(0);

    const ready = await app.server.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unready', checks: { database: 'down' } });
    expect((await app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
  }, 90_000);
});
