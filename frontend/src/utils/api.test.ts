import { describe, expect, it } from 'vitest';
import { ApiError, call } from './api';
import { session } from './session';
import { fakeApi, problem } from '../test/fakeApi';
import { aProfile } from '../test/factories';

describe('the api client', () => {
  it('refreshes an expired access token once for all the calls that hit 401 together, then retries them', async () => {
    session.set({ accessToken: 'expired', refreshToken: 'refresh-1' });
    const me = aProfile();
    const server = fakeApi({
      getProfile: ({ authorization }) =>
        authorization === 'Bearer fresh'
          ? { body: me }
          : problem(401, 'token_expired', 'the access token expired'),
      listRooms: ({ authorization }) =>
        authorization === 'Bearer fresh' ? { body: { rooms: [] } } : problem(401, 'token_expired', 'expired'),
      refresh: async () => ({
        body: { user: me, accessToken: 'fresh', refreshToken: 'refresh-2', expiresIn: 900 },
      }),
    });
    const [profile, rooms] = await Promise.all([call('getProfile'), call('listRooms')]);
    expect(profile).toEqual(me);
    expect(rooms).toEqual({ rooms: [] });
    expect(server.callsTo('refresh')).toHaveLength(1);
    expect(server.callsTo('refresh')[0]?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(session.get()).toMatchObject({ accessToken: 'fresh', refreshToken: 'refresh-2' });
  });

  it('ends the session when the refresh token is refused', async () => {
    session.set({ accessToken: 'expired', refreshToken: 'spent' });
    fakeApi({
      getProfile: () => problem(401, 'token_expired', 'expired'),
      refresh: () => problem(401, 'session_revoked', 'reused refresh token'),
    });
    await expect(call('getProfile')).rejects.toBeInstanceOf(ApiError);
    expect(session.get()).toBeNull();
  });

  it('builds paths and query strings from the route table', async () => {
    session.set({ accessToken: 'a', refreshToken: 'r' });
    const roomId = crypto.randomUUID();
    const server = fakeApi({ listMessages: () => ({ body: { messages: [], hasMore: false } }) });
    await call('listMessages', { params: { id: roomId }, query: { before: 40, limit: 50 } });
    const [request] = server.callsTo('listMessages');
    expect(request?.params).toEqual({ id: roomId });
    expect(request?.query.toString()).toBe('before=40&limit=50');
    expect(request?.authorization).toBe('Bearer a');
  });

  it('renews an access token about to expire before the call, so the call never fails', async () => {
    const me = aProfile();
    session.set({ accessToken: 'old', refreshToken: 'refresh-1', expiresAt: Date.now() + 5_000 });
    const server = fakeApi({
      getProfile: ({ authorization }) =>
        authorization === 'Bearer fresh' ? { body: me } : problem(401, 'token_expired', 'expired'),
      refresh: () => ({
        body: { user: me, accessToken: 'fresh', refreshToken: 'refresh-2', expiresIn: 900 },
      }),
    });
    await call('getProfile');
    expect(server.calls.map((c) => c.name)).toEqual(['refresh', 'getProfile']);
    expect(session.get()?.expiresAt).toBeGreaterThan(Date.now() + 800_000);
  });
});
