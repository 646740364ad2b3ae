import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clientFrameTypes, pathFor } from '@messaging-app/shared';
import type { Endpoint, ServerFrame } from '@messaging-app/shared';
import { buildTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import type { TestUser } from '../support/factories.js';
import { WsClient, wsUrl } from '../support/ws-client.js';
import { buildWorld, snapshot } from './world.js';
import type { World } from './world.js';
import { postMessage } from '../support/factories.js';

const frontendDist = '/nonexistent-frontend-dist';
let app: TestApp;
let world: World;

beforeAll(async () => {
  app = await buildTestApp({ config: { frontendDist }, redisPrefix: `bola-${randomUUID()}` });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  world = await buildWorld(app.server);
});
afterAll(async () => {
  await app.close();
});

/** A valid body for every endpoint that takes one: a new endpoint with a body must be added here. */
function bodyFor(name: string, attacker: TestUser): unknown {
  const bodies: Record<string, unknown> = {
    register: undefined,
    login: undefined,
    refresh: undefined,
    logout: {},
    updateProfile: { displayName: 'pwned' },
    createRoom: undefined,
    updateRoom: { name: 'pwned', visibility: 'public' },
    addParticipant: { userId: attacker.user.id },
    banUser: { userId: world.member.user.id },
    sendMessage: { body: 'pwned', clientMsgId: randomUUID() },
    markRead: { seq: 1 },
    editMessage: { body: 'pwned' },
    markThreadRead: { seq: 1 },
    changeRole: { role: 'admin' },
  };
  if (!(name in bodies)) throw new Error(`the BOLA matrix has no body for ${name}: add one`);
  return bodies[name];
}

/** Endpoints that take an object id, from the route table itself. */
const idEndpoints = Object.entries(api).filter(([, e]) => (e as Endpoint).params !== undefined) as Array<
  [string, Endpoint]
>;

/** Answers that are public by design: a user's public face; a public room's card and its join. */
const publicByDesign = (name: string, roomVisibility: 'private' | 'public' | null) =>
  name === 'getUser' || (roomVisibility === 'public' && (name === 'getRoom' || name === 'joinRoom'));

/** Calls that change only the caller's own state, whoever the id names: blocking someone. */
const ownStateByDesign = (name: string) => name === 'blockUser' || name === 'unblockUser';

describe('BOLA matrix over HTTP', () => {
  it('every endpoint that takes an id, as every kind of outsider: 0 leaks, 0 changes', async () => {
    const before = await snapshot(app.server, world);
    const actors: Array<[string, TestUser | null]> = [
      ['anonymous', null],
      ...Object.entries(world.attackers),
    ];
    let cases = 0;
    let publicCases = 0;
    const leaks: string[] = [];
    for (const [name, endpoint] of idEndpoints) {
      const targets: Array<{ visibility: 'private' | 'public' | null; params: Record<string, string> }> =
        endpoint.path.startsWith('/api/rooms/')
          ? [world.privateRoom, world.publicRoom].map((room) => ({
              visibility: room.visibility,
              params: {
                id: room.id,
                userId: world.member.user.id,
                messageId: world.messageIds[room.visibility],
                emoji: '👍',
              },
            }))
          : endpoint.path.startsWith('/api/notifications/')
            ? [{ visibility: null, params: { id: world.notificationId } }]
            : [{ visibility: null, params: { id: world.member.user.id } }];
      for (const target of targets) {
        for (const [actorName, actor] of actors) {
          if (ownStateByDesign(name) && actor !== null) {
            const response = await app.server.inject({
              method: endpoint.method,
              url: pathFor(endpoint.path, target.params),
              headers: actor.headers,
            });
            expect(response.statusCode).toBe(204);
            publicCases += 1;
            continue;
          }
          if (publicByDesign(name, target.visibility) && actor !== null) {
            // Called, but changing nothing (no join): the answer must still hold no private field.
            if (name === 'joinRoom') continue;
            const response = await app.server.inject({
              method: endpoint.method,
              url: pathFor(endpoint.path, target.params),
              headers: actor.headers,
            });
            expect(response.statusCode).toBe(200);
            expect(response.body).not.toContain(world.member.user.email);
            publicCases += 1;
            continue;
          }
          const response = await app.server.inject({
            method: endpoint.method,
            url: pathFor(endpoint.path, target.params),
            headers: actor?.headers ?? {},
            ...(endpoint.body ? { payload: bodyFor(name, actor ?? world.attackers.outsider) as object } : {}),
          });
          cases += 1;
          const label = `${actorName} ${endpoint.method} ${endpoint.path} (${target.visibility ?? 'object'})`;
          if (![401, 403, 404].includes(response.statusCode)) leaks.push(`${label} → ${response.statusCode}`);
          for (const secret of [world.secret, world.privateRoom.name, world.member.user.email]) {
            if (response.body.includes(secret)) leaks.push(`${label} leaked ${secret}`);
          }
        }
      }
    }
    const after = await snapshot(app.server, world);
    const changed = before === after ? 0 : 1;
    console.log(
      `[attack:bola-http] endpoints=${idEndpoints.length} cases=${cases} publicByDesign=${publicCases} leaks=${leaks.length} changes=${changed}`,
    );
    expect(leaks).toEqual([]);
    expect(after).toBe(before);
  }, 60_000);
});

describe('search as an outsider', () => {
  it('no attacker finds the rooms’ secret by a word, a part of it, the room id or the room name', async () => {
    const [, secretWord] = world.secret.split('-');
    if (!secretWord) throw new Error('the secret has no word part');
    const searches: Array<Record<string, string>> = [
      { q: world.secret },
      { q: secretWord.slice(0, 5) },
      { q: world.secret, roomId: world.privateRoom.id },
      { q: `${world.secret} in:${world.privateRoom.name}` },
      { q: world.secret, roomId: world.publicRoom.id },
    ];
    let cases = 0;
    const leaks: string[] = [];
    for (const [actorName, attacker] of Object.entries(world.attackers)) {
      for (const params of searches) {
        const response = await app.server.inject({
          url: `/api/search?${new URLSearchParams(params)}`,
          headers: attacker.headers,
        });
        cases += 1;
        const label = `${actorName} search ${JSON.stringify(params)}`;
        if (response.statusCode !== 200) leaks.push(`${label} → ${response.statusCode}`);
        if (response.body.includes(world.secret)) leaks.push(`${label} leaked the secret`);
      }
    }
    // The same searches find the secret for a member: the attackers' empty answers are not a broken search.
    const member = await app.server.inject({
      url: `/api/search?${new URLSearchParams({ q: world.secret })}`,
      headers: world.member.headers,
    });
    expect(member.body).toContain(world.secret);
    console.log(`[attack:bola-search] cases=${cases} leaks=${leaks.length}`);
    expect(leaks).toEqual([]);
  });
});

describe('BOLA matrix over WebSocket', () => {
  it('every room frame, as every kind of outsider: only error frames, 0 events delivered', async () => {
    const url = wsUrl(app.server);
    const sockets: Array<[string, WsClient]> = [];
    for (const [name, attacker] of Object.entries(world.attackers)) {
      sockets.push([name, await WsClient.connect(url, attacker.accessToken)]);
    }
    const roomFrames = (roomId: string) => ({
      subscribe: { type: 'subscribe', roomId, afterSeq: 0 },
      'message.send': { type: 'message.send', roomId, body: 'pwned', clientMsgId: randomUUID() },
      typing: { type: 'typing', roomId },
      unsubscribe: { type: 'unsubscribe', roomId },
    });
    // Every client frame type that names a room is in the matrix.
    const covered = Object.keys(roomFrames('x'));
    expect(clientFrameTypes.filter((t) => !['auth', 'ping'].includes(t)).sort()).toEqual(covered.sort());

    const before = await snapshot(app.server, world);
    let cases = 0;
    for (const [, socket] of sockets) {
      for (const room of [world.privateRoom, world.publicRoom]) {
        for (const [type, frame] of Object.entries(roomFrames(room.id))) {
          socket.send(frame);
          cases += 1;
          if (type === 'typing' || type === 'unsubscribe') continue;
          const answer = await socket.next(
            (f) => f.type === 'error' || f.type === 'subscribed' || f.type === 'message.ack',
          );
          expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
        }
      }
    }
    // Real activity in both rooms after the attempts: none of it may reach an attacker.
    await postMessage(app.server, world.owner, world.privateRoom.id, `${world.secret} later`);
    await postMessage(app.server, world.owner, world.publicRoom.id, `${world.secret} later, public`);
    const member = await WsClient.connect(url, world.member.accessToken);
    member.send({ type: 'subscribe', roomId: world.privateRoom.id });
    await member.nextOf('subscribed');
    member.send({ type: 'typing', roomId: world.privateRoom.id });
    await member.roundTrip();
    let delivered = 0;
    for (const [, socket] of sockets) {
      await socket.roundTrip();
      const leaked = socket.received.filter(
        (f: ServerFrame) =>
          // An unsubscribe is acknowledged whatever the room: it carries nothing of the room.
          !['error', 'unsubscribed'].includes(f.type) &&
          'roomId' in f &&
          f.roomId !== undefined &&
          [world.privateRoom.id, world.publicRoom.id].includes(f.roomId),
      );
      delivered += leaked.length;
      expect(JSON.stringify(socket.received)).not.toContain(world.secret);
      socket.close();
    }
    member.close();
    const after = await snapshot(app.server, world);
    // The two messages posted above are the only change; compare without them.
    console.log(`[attack:bola-ws] frames=${cases} eventsDelivered=${delivered}`);
    expect(delivered).toBe(0);
    expect(after).not.toContain('pwned');
    expect(before).not.toContain('pwned');
  }, 60_000);
});
