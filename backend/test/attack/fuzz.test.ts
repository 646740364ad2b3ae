import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { ClientFrame, Problem, ServerFrame, api, problemContentType } from '@messaging-app/shared';
import type { Endpoint } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { addMember, createRoom, postMessage, registerUser, uniqueName } from '../support/factories.js';
import type { TestUser } from '../support/factories.js';
import { WsClient, wsUrl } from '../support/ws-client.js';
import { queuedLinkToken } from '../support/mail-links.js';
import { buildWorld } from './world.js';
import type { World } from './world.js';
import { arbitraryOf, malformedOf } from './zod-arbitrary.js';

/** Random per run, printed, and replayed with FUZZ_SEED=<seed>. */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31 - 1);
const httpRuns = Number(process.env.FUZZ_HTTP_RUNS ?? 300);
const wsRuns = Number(process.env.FUZZ_FRAME_RUNS ?? 300);
const frontendDist = '/nonexistent-frontend-dist';
console.log(`[attack:fuzz] seed=${seed} (replay with FUZZ_SEED=${seed})`);

let app: TestApp;
let world: World;
/** Rejections nobody handled while the fuzzers ran: each one would have ended a production process. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

/** Ids the generators draw from: the world's, so requests reach real objects. Rebuilt with the world. */
const ids: string[] = [];
function useWorld(next: World): void {
  world = next;
  ids.splice(
    0,
    ids.length,
    next.privateRoom.id,
    next.publicRoom.id,
    next.owner.user.id,
    next.member.user.id,
    next.notificationId,
    ...Object.values(next.attackers).map((a) => a.user.id),
  );
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  app = await buildTestApp({ config: { frontendDist }, redisPrefix: `fuzz-${randomUUID()}` });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  useWorld(await buildWorld(app.server));
}, 180_000);
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
});

type EndpointName = keyof typeof api;
const endpoints = Object.entries(api) as Array<[EndpointName, Endpoint]>;
type Actor = 'owner' | 'member' | 'outsider' | 'disposable' | 'none' | 'garbage';

/**
 * Operations that end or change the acting account (its session, its password): the fuzzer runs them as
 * a disposable account, replaced once they succeed, so the world's actors stay signed in.
 */
const selfDestructive = new Set<EndpointName>([
  'logout',
  'refresh',
  'updateProfile',
  'confirmEmailChange',
  'confirmPasswordReset',
]);
/** Operations that may take the world's rooms or memberships away: after a success the world is checked. */
const worldDestructive = new Set<EndpointName>([
  'deleteRoom',
  'leaveRoom',
  'removeParticipant',
  'updateRoom',
]);

let disposable: TestUser | undefined;
/** The disposable account, signed in: a new one when the last was logged out, refreshed or locked out. */
async function disposableUser(): Promise<TestUser> {
  if (disposable) {
    const alive = await app.server.inject({ url: '/api/profile', headers: disposable.headers });
    if (alive.statusCode !== 200) disposable = undefined;
  }
  disposable ??= await registerUser(app.server);
  return disposable;
}

function tokenOf(actor: Actor): string | undefined {
  if (actor === 'none') return undefined;
  if (actor === 'garbage') return 'eyJhbGciOiJIUzI1NiJ9.e30.garbage';
  if (actor === 'disposable') return disposable?.accessToken;
  return { owner: world.owner, member: world.member, outsider: world.attackers.outsider }[actor].accessToken;
}

/** True while the owner and the member still reach both rooms; otherwise the world is built again. */
async function keepWorldAlive(): Promise<boolean> {
  for (const room of [world.privateRoom, world.publicRoom]) {
    for (const user of [world.owner, world.member]) {
      const response = await app.server.inject({
        url: `/api/rooms/${room.id}/participants`,
        headers: user.headers,
      });
      if (response.statusCode !== 200) {
        useWorld(await buildWorld(app.server));
        return false;
      }
    }
  }
  return true;
}

interface Request {
  method: Endpoint['method'];
  url: string;
  token?: string | undefined;
  body?: unknown;
  contentType?: string;
}

/** A pending invitation between two fresh strangers (who share no room), so adding invites instead. */
async function freshInvitation(): Promise<{ invitee: TestUser; invitationId: string }> {
  const inviter = await registerUser(app.server);
  const invitee = await registerUser(app.server);
  const room = await createRoom(app.server, inviter, { visibility: 'private' });
  const added = await app.server.inject({
    method: 'POST',
    url: `/api/rooms/${room.id}/participants`,
    headers: inviter.headers,
    payload: { userId: invitee.user.id },
  });
  if (added.statusCode !== 202) throw new Error(`adding a stranger answered ${added.statusCode}, not 202`);
  return { invitee, invitationId: added.json<{ id: string }>().id };
}

/**
 * A request that should succeed: a valid, authorised use of the endpoint against the world, with what
 * it needs set up first. Every endpoint must answer 2xx to at least one request per run.
 */
async function sensible(name: EndpointName): Promise<Request> {
  const { owner, member, privateRoom, publicRoom } = world;
  const self = await disposableUser();
  const as = (user: TestUser) => user.accessToken;
  switch (name) {
    case 'register': {
      const username = uniqueName('fz');
      return {
        method: 'POST',
        url: '/api/auth/register',
        body: { username, email: `${username}@example.test`, password: `pw ${randomUUID()}` },
      };
    }
    case 'login':
      return {
        method: 'POST',
        url: '/api/auth/login',
        body: { login: self.user.username, password: self.password },
      };
    case 'refresh':
      return { method: 'POST', url: '/api/auth/refresh', body: { refreshToken: self.refreshToken } };
    case 'logout':
      return {
        method: 'POST',
        url: '/api/auth/logout',
        token: as(self),
        body: { refreshToken: self.refreshToken },
      };
    case 'getProfile':
      return { method: 'GET', url: '/api/profile', token: as(member) };
    case 'updateProfile':
      return { method: 'PATCH', url: '/api/profile', token: as(self), body: { displayName: 'Fuzzed' } };
    case 'searchUsers':
      return { method: 'GET', url: `/api/users?q=${owner.user.username.slice(0, 4)}`, token: as(member) };
    case 'getUser':
      return { method: 'GET', url: `/api/users/${owner.user.id}`, token: as(member) };
    case 'searchMessages':
      return {
        method: 'GET',
        url: `/api/search?q=fuzz&roomId=${privateRoom.id}&limit=5`,
        token: as(member),
      };
    case 'listRooms':
      return { method: 'GET', url: '/api/rooms', token: as(member) };
    case 'discoverRooms':
      return { method: 'GET', url: '/api/rooms/discover', token: as(member) };
    case 'createRoom':
      return {
        method: 'POST',
        url: '/api/rooms',
        token: as(member),
        body: { name: uniqueName('fzroom'), visibility: 'public' },
      };
    case 'getRoom':
      return { method: 'GET', url: `/api/rooms/${privateRoom.id}`, token: as(member) };
    case 'updateRoom':
      return {
        method: 'PATCH',
        url: `/api/rooms/${publicRoom.id}`,
        token: as(owner),
        body: { description: 'fuzzed' },
      };
    case 'deleteRoom': {
      const scratch = await createRoom(app.server, self);
      return { method: 'DELETE', url: `/api/rooms/${scratch.id}`, token: as(self) };
    }
    case 'joinRoom':
      return { method: 'POST', url: `/api/rooms/${publicRoom.id}/join`, token: as(self) };
    case 'leaveRoom': {
      await app.server.inject({
        method: 'POST',
        url: `/api/rooms/${publicRoom.id}/join`,
        headers: self.headers,
      });
      return { method: 'POST', url: `/api/rooms/${publicRoom.id}/leave`, token: as(self) };
    }
    case 'listParticipants':
      return { method: 'GET', url: `/api/rooms/${privateRoom.id}/participants`, token: as(member) };
    case 'addParticipant':
      // Not yet a member: a removal first (its answer does not matter), then the add under test.
      await app.server.inject({
        method: 'DELETE',
        url: `/api/rooms/${privateRoom.id}/participants/${self.user.id}`,
        headers: owner.headers,
      });
      return {
        method: 'POST',
        url: `/api/rooms/${privateRoom.id}/participants`,
        token: as(owner),
        body: { userId: self.user.id },
      };
    case 'removeParticipant': {
      const target = await registerUser(app.server);
      await addMember(app.server, owner, privateRoom.id, target);
      return {
        method: 'DELETE',
        url: `/api/rooms/${privateRoom.id}/participants/${target.user.id}`,
        token: as(owner),
      };
    }
    case 'listMessages':
      return { method: 'GET', url: `/api/rooms/${privateRoom.id}/messages?limit=5`, token: as(member) };
    case 'sendMessage':
      return {
        method: 'POST',
        url: `/api/rooms/${publicRoom.id}/messages`,
        token: as(member),
        body: { body: 'fuzz hello', clientMsgId: randomUUID() },
      };
    case 'editMessage':
    case 'deleteMessage':
    case 'messageHistory':
    case 'addReaction':
    case 'removeReaction': {
      const message = await postMessage(app.server, member, publicRoom.id, 'fuzz target');
      const at = `/api/rooms/${publicRoom.id}/messages/${message.id}`;
      const reaction = `${at}/reactions/${encodeURIComponent('👍')}`;
      if (name === 'editMessage')
        return { method: 'PATCH', url: at, token: as(member), body: { body: 'fuzz edited' } };
      if (name === 'deleteMessage') return { method: 'DELETE', url: at, token: as(owner) };
      if (name === 'messageHistory') return { method: 'GET', url: `${at}/history`, token: as(member) };
      return { method: name === 'addReaction' ? 'PUT' : 'DELETE', url: reaction, token: as(owner) };
    }
    case 'openDm':
      return { method: 'POST', url: '/api/dms', token: as(self), body: { userIds: [member.user.id] } };
    case 'getThread':
    case 'markThreadRead': {
      const root = await postMessage(app.server, member, privateRoom.id, 'fuzz thread root');
      const url = `/api/rooms/${privateRoom.id}/threads/${root.id}`;
      return name === 'getThread'
        ? { method: 'GET', url, token: as(member) }
        : { method: 'POST', url: `${url}/read`, token: as(member), body: { seq: root.seq } };
    }
    case 'changeRole':
      // The member's own role again: a 200 that leaves the world as it was.
      return {
        method: 'PATCH',
        url: `/api/rooms/${privateRoom.id}/members/${member.user.id}`,
        token: as(owner),
        body: { role: 'member' },
      };
    case 'markRead':
      return {
        method: 'POST',
        url: `/api/rooms/${privateRoom.id}/read`,
        token: as(member),
        body: { seq: 1 },
      };
    case 'listNotifications':
      return { method: 'GET', url: '/api/notifications', token: as(member) };
    case 'readNotification':
      return { method: 'POST', url: `/api/notifications/${world.notificationId}/read`, token: as(member) };
    case 'readAllNotifications':
      return { method: 'POST', url: '/api/notifications/read-all', token: as(member) };
    case 'listBans':
      return { method: 'GET', url: `/api/rooms/${publicRoom.id}/bans`, token: as(owner) };
    case 'banUser': {
      const target = await registerUser(app.server);
      return {
        method: 'POST',
        url: `/api/rooms/${publicRoom.id}/bans`,
        token: as(owner),
        body: { userId: target.user.id },
      };
    }
    case 'unbanUser': {
      const target = await registerUser(app.server);
      await app.server.inject({
        method: 'POST',
        url: `/api/rooms/${publicRoom.id}/bans`,
        headers: owner.headers,
        payload: { userId: target.user.id },
      });
      return {
        method: 'DELETE',
        url: `/api/rooms/${publicRoom.id}/bans/${target.user.id}`,
        token: as(owner),
      };
    }
    case 'listInvitations':
      return { method: 'GET', url: '/api/invitations', token: as(member) };
    case 'acceptInvitation':
    case 'declineInvitation': {
      const { invitee, invitationId } = await freshInvitation();
      const action = name === 'acceptInvitation' ? 'accept' : 'decline';
      return { method: 'POST', url: `/api/invitations/${invitationId}/${action}`, token: as(invitee) };
    }
    case 'listBlocks':
      return { method: 'GET', url: '/api/blocks', token: as(member) };
    case 'blockUser':
      return { method: 'PUT', url: `/api/users/${world.attackers.outsider.user.id}/block`, token: as(self) };
    case 'unblockUser':
      return {
        method: 'DELETE',
        url: `/api/users/${world.attackers.outsider.user.id}/block`,
        token: as(self),
      };
    case 'confirmEmailChange': {
      const address = `${uniqueName('moved')}@example.test`;
      await app.server.inject({
        method: 'PATCH',
        url: '/api/profile',
        headers: self.headers,
        payload: { email: address, currentPassword: self.password },
      });
      const token = await queuedLinkToken(app.ctx.db, address);
      return { method: 'POST', url: '/api/users/me/email/confirm', token: as(self), body: { token } };
    }
    case 'requestPasswordReset':
      return { method: 'POST', url: '/api/auth/password-reset', body: { email: self.user.email } };
    case 'confirmPasswordReset': {
      await app.server.inject({
        method: 'POST',
        url: '/api/auth/password-reset',
        payload: { email: self.user.email },
      });
      const token = await queuedLinkToken(app.ctx.db, self.user.email);
      return {
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        body: { token, password: `reset ${randomUUID()}` },
      };
    }
    case 'healthz':
      return { method: 'GET', url: '/healthz' };
    case 'readyz':
      return { method: 'GET', url: '/readyz' };
  }
}

function queryString(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>))
    if (v !== undefined) search.append(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const hints = { ids };

/** One fuzzed request: which endpoint, how (sensible, well-formed, malformed), as whom, with what. */
function plannedRequest() {
  return fc
    .record({
      entry: fc.constantFrom(...endpoints),
      mode: fc.constantFrom('sensible', 'wellFormed', 'wellFormed', 'malformed', 'malformed'),
      actor: fc.constantFrom<Actor>('owner', 'member', 'member', 'outsider', 'disposable', 'none', 'garbage'),
      pathMode: fc.constantFrom('valid', 'valid', 'valid', 'hostile'),
      hostileId: fc.oneof(
        fc.uuid(),
        fc.string({ maxLength: 60 }),
        fc.constantFrom('..', '%2e%2e', '0', '-1', 'null'),
      ),
      noise: fc.nat(),
      header: fc.constantFrom<Record<string, string>>(
        {},
        {},
        {},
        { 'x-request-id': 'x'.repeat(300) },
        { 'x-forwarded-for': '1.2.3.4, ::1, not-an-ip' },
        { accept: 'text/html' },
        { 'accept-encoding': 'gzip;q=abc' },
        { origin: 'null' },
        { 'content-length': '5' },
      ),
    })
    .chain((r) => {
      const [, endpoint] = r.entry;
      const part = (schema: Endpoint['body']) =>
        schema
          ? r.mode === 'malformed'
            ? malformedOf(schema, hints)
            : arbitraryOf(schema, hints)
          : fc.constant(undefined);
      return fc.record({
        base: fc.constant(r),
        params: endpoint.params ? arbitraryOf(endpoint.params, hints) : fc.constant({}),
        query: endpoint.querystring
          ? r.mode === 'malformed'
            ? fc.dictionary(
                fc.constantFrom('before', 'after', 'limit', 'q', 'unread', 'x'),
                fc.string({ maxLength: 30 }),
              )
            : arbitraryOf(endpoint.querystring, hints)
          : fc.constant(undefined),
        body: part(endpoint.body),
      });
    });
}

describe('fuzzing from the shared schemas', () => {
  it(`HTTP: ${httpRuns} requests, every endpoint succeeding at least once, 0 responses >= 500, every response matching its schema`, async () => {
    const statuses = new Map<number, number>();
    const succeeded = new Set<EndpointName>();
    const mismatches: string[] = [];
    let serverErrors = 0;
    let rebuilt = 0;
    const plans = fc.sample(plannedRequest(), { seed, numRuns: httpRuns });
    // Every endpoint gets at least one sensible request, at a seeded place among the random ones.
    const places = fc.sample(fc.nat(plans.length), { seed, numRuns: endpoints.length });
    endpoints.forEach((entry, i) => {
      const template = plans[0];
      if (!template) return;
      plans.splice(places[i] ?? 0, 0, { ...template, base: { ...template.base, entry, mode: 'sensible' } });
    });
    const sensibleFailures: string[] = [];
    for (const plan of plans) {
      const [name, endpoint] = plan.base.entry;
      let request: Request;
      if (plan.base.mode === 'sensible') {
        request = await sensible(name);
      } else {
        const params = plan.base.pathMode === 'valid' ? (plan.params as Record<string, string>) : undefined;
        const path = endpoint.path.replace(/:([A-Za-z]+)/g, (_, key: string) =>
          encodeURIComponent(params?.[key] ?? plan.base.hostileId),
        );
        const actor =
          selfDestructive.has(name) && ['owner', 'member', 'outsider'].includes(plan.base.actor)
            ? 'disposable'
            : plan.base.actor;
        if (actor === 'disposable') await disposableUser();
        request = {
          method: endpoint.method,
          url: path + queryString(plan.query),
          token: tokenOf(actor),
          body: plan.body,
          // One request in twenty lies about its media type.
          contentType: plan.base.noise % 20 === 0 ? 'text/plain' : 'application/json',
        };
      }
      const hasBody = request.method !== 'GET' && request.body !== undefined;
      const response = await app.server.inject({
        method: request.method,
        url: request.url,
        headers: {
          // Sensible requests are plain; the others carry the odd header now and then.
          ...(plan.base.mode === 'sensible' ? {} : plan.base.header),
          ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
          ...(hasBody ? { 'content-type': request.contentType ?? 'application/json' } : {}),
        },
        ...(hasBody ? { payload: JSON.stringify(request.body) ?? 'undefined' } : {}),
      });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (ok) succeeded.add(name);
      else if (plan.base.mode === 'sensible') {
        sensibleFailures.push(`${name} ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
      // Whatever account it touched, only the disposable one may have been used up: replace it.
      if (ok && selfDestructive.has(name)) disposable = undefined;
      if (ok && worldDestructive.has(name) && !(await keepWorldAlive())) rebuilt += 1;
      if (response.statusCode >= 500) {
        serverErrors += 1;
        mismatches.push(
          `${name} ${request.method} ${request.url} → ${response.statusCode} ${response.body.slice(0, 200)}`,
        );
        continue;
      }
      const documented = endpoint.responses[response.statusCode];
      if (documented === null) {
        if (response.body !== '') mismatches.push(`${name} ${response.statusCode} has a body`);
      } else if (documented) {
        const parsed = documented.safeParse(response.json());
        if (!parsed.success)
          mismatches.push(`${name} ${response.statusCode}: ${parsed.error.message.slice(0, 200)}`);
      } else {
        const type = String(response.headers['content-type'] ?? '');
        const parsed = Problem.safeParse(response.json());
        if (!type.startsWith(problemContentType) || !parsed.success || response.statusCode < 400) {
          mismatches.push(`${name} ${response.statusCode} is not a problem: ${response.body.slice(0, 200)}`);
        }
      }
    }
    const health = await app.server.inject({ url: '/healthz' });
    const never = endpoints.map(([name]) => name).filter((name) => !succeeded.has(name));
    console.log(
      `[attack:fuzz-http] seed=${seed} requests=${plans.length} 5xx=${serverErrors} schemaMismatches=${mismatches.length} worldsRebuilt=${rebuilt} neverSucceeded=${JSON.stringify(never)} sensibleFailures=${JSON.stringify(sensibleFailures.slice(0, 5))} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(never).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(health.statusCode).toBe(200);
  }, 120_000);

  it(`WebSocket: ${wsRuns} operations on /ws and /ws/:roomId, text, binary and headers; every answer a valid frame, the server alive throughout`, async () => {
    const url = wsUrl(app.server);
    const socket = await WsClient.connect(url, world.member.accessToken);
    const outcomes = new Map<string, number>();
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    const extraFrames: unknown[] = [];

    /**
     * A sync point with a unique reference: a subscription to a room that does not exist answers an
     * error frame carrying that room id, so every frame sent before it has been handled, and nothing
     * stale can be mistaken for the answer. Fails when the server is gone or dropped the socket.
     */
    const sync = async () => {
      const ref = randomUUID();
      socket.send({ type: 'subscribe', roomId: ref });
      await socket.next((f) => f.type === 'error' && f.ref === ref, 5_000);
      count('sync');
    };

    /** A socket on `/ws/:roomId`: the handshake, auth, then ready or a close; never a crash. */
    const roomSocket = async (roomId: string, token: string) => {
      let client: WsClient;
      try {
        client = await WsClient.open(`${url}/${encodeURIComponent(roomId)}`);
      } catch (error) {
        const status = Number(/handshake answered (\d+)/.exec(String(error))?.[1] ?? 0);
        expect(status, String(error)).toBeGreaterThanOrEqual(400);
        expect(status, String(error)).toBeLessThan(500);
        count(`room-handshake-${status}`);
        return;
      }
      client.send({ type: 'auth', token });
      const outcome = await Promise.race([
        client.next((f) => f.type === 'ready' || f.type === 'error', 5_000).then((f) => f.type),
        client.closing(5_000).then((c) => `closed-${c.code}`),
      ]);
      count(`room-${outcome}`);
      extraFrames.push(...client.received);
      client.close();
    };

    /** A handshake with odd headers: accepted, or refused with a 4xx; never a 5xx. */
    const oddHandshake = async (headers: Record<string, string>) => {
      try {
        const client = await WsClient.open(url, { headers });
        count('odd-headers-open');
        client.close();
      } catch (error) {
        const status = Number(/handshake answered (\d+)/.exec(String(error))?.[1] ?? 0);
        expect(status, String(error)).toBeGreaterThanOrEqual(400);
        expect(status, String(error)).toBeLessThan(500);
        count(`odd-headers-${status}`);
      }
    };

    const roomIds = () => [
      world.privateRoom.id,
      world.publicRoom.id,
      randomUUID(),
      'not-a-room',
      world.owner.user.id,
    ];
    const operation = fc.oneof(
      {
        weight: 6,
        arbitrary: arbitraryOf(ClientFrame, hints).map((f) => ({
          kind: 'text' as const,
          data: JSON.stringify(f),
        })),
      },
      {
        weight: 3,
        arbitrary: malformedOf(ClientFrame, hints).map((f) => ({
          kind: 'text' as const,
          data: JSON.stringify(f) ?? 'undefined',
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .string({ maxLength: 200, unit: 'binary' })
          .map((data) => ({ kind: 'text' as const, data })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '{',
            '[]',
            'null',
            '"ping"',
            '{"type":"__proto__"}',
            '{"type":"constructor"}',
            '{"type":"ping"}',
          )
          .map((data) => ({ kind: 'text' as const, data })),
      },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'binary' as const, bytes })),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ room: fc.nat(4), who: fc.constantFrom('member', 'outsider', 'owner', 'garbage') })
          .map((r) => ({ kind: 'room' as const, ...r })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<Record<string, string>>(
            { origin: 'http://evil.example' },
            { origin: 'https://localhost.evil.example' },
            { origin: 'null' },
            { origin: 'file://' },
            { origin: 'chrome-extension://abc' },
            { 'x-forwarded-for': 'not-an-ip' },
            { cookie: 'a=b' },
          )
          .map((headers) => ({ kind: 'headers' as const, headers })),
      },
    );
    const plans = fc.sample(operation, { seed, numRuns: wsRuns });
    let sent = 0;
    for (const plan of plans) {
      if (plan.kind === 'text') {
        socket.send(plan.data);
        sent += 1;
      } else if (plan.kind === 'binary') {
        socket.socket.send(Buffer.from(plan.bytes), { binary: true });
        sent += 1;
      } else if (plan.kind === 'room') {
        const token = { member: world.member, outsider: world.attackers.outsider, owner: world.owner }[
          plan.who as 'member'
        ]?.accessToken;
        await roomSocket(roomIds()[plan.room] ?? randomUUID(), token ?? 'eyJhbGciOiJIUzI1NiJ9.e30.garbage');
        await sync();
      } else {
        await oddHandshake(plan.headers);
        await sync();
      }
      if (sent % 10 === 0) await sync();
    }
    await sync();
    // After the fuzzing, the socket still does everything a client needs: each kind of frame succeeds.
    socket.send({ type: 'ping' });
    socket.send({ type: 'subscribe', roomId: world.publicRoom.id });
    const stillHere = randomUUID();
    socket.send({
      type: 'message.send',
      roomId: world.publicRoom.id,
      body: 'still here',
      clientMsgId: stillHere,
    });
    await sync();
    // The ack follows the send's commit, which a pong does not wait for: await it on a loaded machine.
    await socket.next((f) => f.type === 'message.ack' && f.clientMsgId === stillHere, 30_000);
    // The member may always enter their own rooms on /ws/:roomId: that path must succeed once per run.
    await roomSocket(world.privateRoom.id, world.member.accessToken);
    await sync();

    const frames = [...socket.received, ...extraFrames];
    const invalid = frames.filter((f) => !ServerFrame.safeParse(f).success);
    const internal = frames.filter(
      (f) => (f as ServerFrame).type === 'error' && (f as { code: string }).code === 'internal',
    );
    const types = new Set(socket.received.map((f) => f.type));
    const open = socket.socket.readyState === WebSocket.OPEN;
    console.log(
      `[attack:fuzz-ws] seed=${seed} operations=${plans.length} framesSent=${sent} serverFrames=${frames.length} invalidServerFrames=${invalid.length} internalErrors=${internal.length} open=${open} outcomes=${JSON.stringify(Object.fromEntries([...outcomes].sort()))} frameTypes=${JSON.stringify([...types].sort())}`,
    );
    expect(invalid).toEqual([]);
    expect(internal).toEqual([]);
    expect(open).toBe(true);
    expect(unhandled).toEqual([]);
    // Each kind of operation achieved something at least once.
    expect(outcomes.get('room-ready') ?? 0).toBeGreaterThan(0);
    expect([...types]).toEqual(expect.arrayContaining(['pong', 'message.ack', 'subscribed', 'error']));
    expect((await app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    socket.close();
  }, 120_000);
});
