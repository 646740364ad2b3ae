import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClientFrame, Problem, ServerFrame, api, problemContentType } from '@messaging-app/shared';
import type { Endpoint } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { WsClient, wsUrl } from '../support/ws-client.js';
import { buildWorld } from './world.js';
import type { World } from './world.js';
import { arbitraryOf, malformedOf } from './zod-arbitrary.js';

/** Fixed so that a failure replays; printed so that a run can be reproduced (FUZZ_SEED overrides). */
const seed = Number(process.env.FUZZ_SEED ?? 20_261_123);
const httpRuns = Number(process.env.FUZZ_HTTP_RUNS ?? 5_000);
const frameRuns = Number(process.env.FUZZ_FRAME_RUNS ?? 2_000);
const frontendDist = '/nonexistent-frontend-dist';

let app: TestApp;
let world: World;
/** Sessions that the fuzzer may end with logout without killing the actors it keeps using. */
const spareSessions: string[] = [];
let ids: string[];

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist }, redisPrefix: `fuzz-${randomUUID()}` });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  world = await buildWorld(app.server);
  for (let i = 0; i < 20; i += 1) {
    const response = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: world.attackers.outsider.user.username, password: world.attackers.outsider.password },
    });
    spareSessions.push(response.json<{ accessToken: string }>().accessToken);
  }
  ids = [
    world.privateRoom.id,
    world.publicRoom.id,
    world.owner.user.id,
    world.member.user.id,
    world.notificationId,
    ...Object.values(world.attackers).map((a) => a.user.id),
  ];
}, 60_000);
afterAll(async () => {
  await app.close();
});

const endpoints = Object.entries(api) as Array<[string, Endpoint]>;
type Actor = 'owner' | 'member' | 'outsider' | 'none' | 'garbage';

function tokenOf(actor: Actor, endpointName: string): string | undefined {
  if (actor === 'none') return undefined;
  if (actor === 'garbage') return 'eyJhbGciOiJIUzI1NiJ9.e30.garbage';
  // Logging out ends a session: spend a spare one so the other actors stay signed in.
  if (endpointName === 'logout') return spareSessions.pop() ?? 'eyJhbGciOiJIUzI1NiJ9.e30.spent';
  return { owner: world.owner, member: world.member, outsider: world.attackers.outsider }[actor].accessToken;
}

function requestArbitrary() {
  const hints = () => ({ ids });
  return fc
    .record({
      entry: fc.constantFrom(...endpoints),
      wellFormed: fc.boolean(),
      actor: fc.constantFrom<Actor>('owner', 'member', 'member', 'outsider', 'none', 'garbage'),
      pathMode: fc.constantFrom('valid', 'valid', 'valid', 'hostile'),
      hostileId: fc.oneof(
        fc.uuid(),
        fc.string({ maxLength: 60 }),
        fc.constantFrom('..', '%2e%2e', '0', '-1', 'null'),
      ),
      noise: fc.nat(),
    })
    .chain((r) => {
      const [name, endpoint] = r.entry;
      const part = (schema: Endpoint['body']) =>
        schema
          ? r.wellFormed
            ? arbitraryOf(schema, hints())
            : malformedOf(schema, hints())
          : fc.constant(undefined);
      return fc.record({
        base: fc.constant(r),
        name: fc.constant(name),
        endpoint: fc.constant(endpoint),
        params: endpoint.params ? arbitraryOf(endpoint.params, hints()) : fc.constant({}),
        query: endpoint.querystring
          ? r.wellFormed
            ? arbitraryOf(endpoint.querystring, hints())
            : fc.dictionary(
                fc.constantFrom('before', 'after', 'limit', 'q', 'unread', 'x'),
                fc.string({ maxLength: 30 }),
              )
          : fc.constant(undefined),
        body: part(endpoint.body),
      });
    });
}

function queryString(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>))
    if (v !== undefined) search.append(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

describe('fuzzing from the shared schemas', () => {
  it(`HTTP: ${httpRuns} requests, 0 responses >= 500, every response matching its schema`, async () => {
    const statuses = new Map<number, number>();
    const mismatches: string[] = [];
    let requests = 0;
    let serverErrors = 0;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(), async (req) => {
        const params = req.base.pathMode === 'valid' ? (req.params as Record<string, string>) : undefined;
        const path = req.endpoint.path.replace(/:([A-Za-z]+)/g, (_, key: string) =>
          encodeURIComponent(params?.[key] ?? req.base.hostileId),
        );
        const token = tokenOf(req.base.actor, req.name);
        const hasBody = req.endpoint.method !== 'GET' && req.body !== undefined;
        // One request in twenty lies about its media type.
        const contentType = req.base.noise % 20 === 0 ? 'text/plain' : 'application/json';
        const response = await app.server.inject({
          method: req.endpoint.method,
          url: path + queryString(req.query),
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(hasBody ? { 'content-type': contentType } : {}),
          },
          ...(hasBody ? { payload: JSON.stringify(req.body) ?? 'undefined' } : {}),
        });
        requests += 1;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          serverErrors += 1;
          mismatches.push(`${req.name} → ${response.statusCode} ${response.body.slice(0, 200)}`);
          return;
        }
        const documented = req.endpoint.responses[response.statusCode];
        if (documented === null) {
          if (response.body !== '') mismatches.push(`${req.name} ${response.statusCode} has a body`);
        } else if (documented) {
          const parsed = documented.safeParse(response.json());
          if (!parsed.success)
            mismatches.push(`${req.name} ${response.statusCode}: ${parsed.error.message.slice(0, 200)}`);
        } else {
          const type = String(response.headers['content-type'] ?? '');
          const parsed = Problem.safeParse(response.json());
          if (!type.startsWith(problemContentType) || !parsed.success || response.statusCode < 400) {
            mismatches.push(
              `${req.name} ${response.statusCode} is not a problem: ${response.body.slice(0, 200)}`,
            );
          }
        }
      }),
      { seed, numRuns: httpRuns, endOnFailure: true },
    );
    const health = await app.server.inject({ url: '/healthz' });
    console.log(
      `[attack:fuzz-http] seed=${seed} requests=${requests} 5xx=${serverErrors} schemaMismatches=${mismatches.length} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(requests).toBeGreaterThanOrEqual(httpRuns);
    expect(health.statusCode).toBe(200);
  }, 600_000);

  it(`WebSocket: ${frameRuns} frames, every answer a valid server frame, no dropped connection`, async () => {
    const url = wsUrl(app.server);
    const socket = await WsClient.connect(url, world.member.accessToken);
    const hints = { ids };
    const frameArbitrary = fc.oneof(
      { weight: 3, arbitrary: arbitraryOf(ClientFrame, hints).map((f) => JSON.stringify(f)) },
      { weight: 2, arbitrary: malformedOf(ClientFrame, hints).map((f) => JSON.stringify(f) ?? 'undefined') },
      { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{',
          '[]',
          'null',
          '"ping"',
          '{"type":"__proto__"}',
          '{"type":"constructor"}',
        ),
      },
    );
    let frames = 0;
    await fc.assert(
      fc.asyncProperty(frameArbitrary, async (frame) => {
        socket.send(frame);
        frames += 1;
        // A ping after every frame: when its pong arrives the server has read the frame and lives.
        if (frames % 10 === 0) await socket.roundTrip();
      }),
      { seed, numRuns: frameRuns, endOnFailure: true },
    );
    await socket.roundTrip();
    const invalid = socket.received.filter((f) => !ServerFrame.safeParse(f).success);
    const errors = socket.received.filter((f) => f.type === 'error').length;
    const closed = await Promise.race([socket.closed.then(() => true), Promise.resolve(false)]);
    console.log(
      `[attack:fuzz-ws] seed=${seed} frames=${frames} serverFrames=${socket.received.length} errorFrames=${errors} invalidServerFrames=${invalid.length} closed=${closed}`,
    );
    expect(invalid).toEqual([]);
    expect(closed).toBe(false);
    expect(frames).toBeGreaterThanOrEqual(frameRuns);
    expect(socket.received.filter((f) => f.type === 'error' && f.code === 'internal')).toEqual([]);
    socket.close();
  }, 600_000);
});
