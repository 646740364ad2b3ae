import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation, Notification } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { createRoom, registerUser, registerUsers, uniqueName } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { rateLimitsFromEnv } from '../../src/ratelimit/settings.js';

// The production defaults, not the generous test ones: this is the attack as it would meet `make run`.
const defaults = rateLimitsFromEnv({});
let app: TestApp;
beforeAll(async () => {
  app = await buildTestApp({
    limits: {
      invitationsPerHour: defaults.invitationsPerHour,
      invitationsPerInviteePerDay: defaults.invitationsPerInviteePerDay,
    },
  });
});
afterAll(async () => {
  await app.close();
});

const get = (user: TestUser, url: string) => app.server.inject({ method: 'GET', url, headers: user.headers });
const add = (adder: TestUser, roomId: string, userId: string) =>
  app.server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/participants`,
    headers: adder.headers,
    payload: { userId },
  });

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

describe('invitation spam (issue 17, item 8)', () => {
  it('25 spam rooms aimed at one target: at most the per-target limit of invitations, zero memberships', async () => {
    const spammer = await registerUser(app.server);
    const target = await registerUser(app.server);
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 25; i += 1) {
      const room = await createRoom(app.server, spammer, {
        visibility: 'private',
        name: uniqueName(`FREE_CRYPTO_${i}`),
      });
      const response = await add(spammer, room.id, target.user.id);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) retryAfter ??= String(response.headers['retry-after']);
    }
    const rooms = (await get(target, '/api/rooms')).json<{ rooms: unknown[] }>().rooms;
    const invitations = (await get(target, '/api/invitations')).json<{ invitations: Invitation[] }>()
      .invitations;
    const notifications = (await get(target, '/api/notifications')).json<{ notifications: Notification[] }>()
      .notifications;
    console.log(
      `[attack:invitation-spam] rooms=25 answers=${JSON.stringify(tally(statuses))} invitations=${invitations.length} notifications=${notifications.length} memberships=${rooms.length}`,
    );
    const limit = defaults.invitationsPerInviteePerDay;
    expect(tally(statuses)).toEqual({ 202: limit, 429: 25 - limit });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(invitations).toHaveLength(limit);
    expect(notifications).toHaveLength(limit);
    expect(rooms).toHaveLength(0);
  });

  it('one inviter reaching many targets stops at the hourly limit, whatever the targets', async () => {
    const spammer = await registerUser(app.server);
    const room = await createRoom(app.server, spammer, { visibility: 'private' });
    const total = defaults.invitationsPerHour + 5;
    const targets = await registerUsers(app.server, total);
    // Concurrent adds: the budget is checked under the inviter's lock, so none slips through.
    const responses = await Promise.all(targets.map((t) => add(spammer, room.id, t.user.id)));
    const counts = tally(responses.map((r) => r.statusCode));
    console.log(`[attack:invitation-spam] targets=${total} answers=${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 202: defaults.invitationsPerHour, 429: 5 });
    const refused = responses.find((r) => r.statusCode === 429);
    expect(refused?.json()).toMatchObject({ code: 'rate_limited' });
  });

  it('a blocked spammer gets the same answers as an unblocked one: the block is not revealed', async () => {
    const spammer = await registerUser(app.server);
    const target = await registerUser(app.server);
    await app.server.inject({
      method: 'PUT',
      url: `/api/users/${spammer.user.id}/block`,
      headers: target.headers,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const room = await createRoom(app.server, spammer, { visibility: 'private' });
      statuses.push((await add(spammer, room.id, target.user.id)).statusCode);
    }
    const limit = defaults.invitationsPerInviteePerDay;
    expect(tally(statuses)).toEqual({ 202: limit, 429: 5 - limit });
    expect((await get(target, '/api/invitations')).json().invitations).toEqual([]);
    expect((await get(target, '/api/notifications')).json().notifications).toEqual([]);
  });
});
