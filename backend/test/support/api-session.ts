import { randomUUID } from 'node:crypto';
import { api, pathFor } from '@messaging-app/shared';
import type { EndpointName } from '@messaging-app/shared';
import { uniqueName } from './factories.js';

export interface Call {
  operation: EndpointName;
  status: number;
  body: unknown;
  /** Prism's findings for this exchange (its `sl-violations` header), empty when it had none. */
  violations: Violation[];
  /** A generic probe of an operation the scripted session does not know (its input may be incomplete). */
  probe: boolean;
}

export interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  token?: string;
  probe?: boolean;
}

/** Calls operations of the route table over real HTTP at `baseUrl`, recording each exchange. */
export class ApiSession {
  readonly calls: Call[] = [];
  constructor(private readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    operation: EndpointName,
    options: CallOptions = {},
  ): Promise<{ status: number; body: T }> {
    const endpoint = api[operation];
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${pathFor(endpoint.path, options.params)}${query}`, {
      method: endpoint.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    const violations = JSON.parse(response.headers.get('sl-violations') ?? '[]') as Violation[];
    this.calls.push({ operation, status: response.status, body, violations, probe: options.probe ?? false });
    return { status: response.status, body };
  }

  called(): Set<EndpointName> {
    return new Set(this.calls.map((c) => c.operation));
  }
}

function expectStatus(actual: number, expected: number, what: string) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

interface Auth {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string };
}

/**
 * What a person does in an afternoon of chat, touching every operation of the route table known when it
 * was written, success and error paths alike. Operations added to the table since are left to `probeRest`.
 */
export async function realisticSession(session: ApiSession): Promise<void> {
  const password = 'correct horse battery';
  const register = async (prefix: string) => {
    const username = uniqueName(prefix);
    const { status, body } = await session.call<Auth>('register', {
      body: { username, email: `${username}@example.test`, password, displayName: prefix },
    });
    expectStatus(status, 201, 'register');
    return body;
  };
  expectStatus((await session.call('healthz')).status, 200, 'healthz');
  expectStatus((await session.call('readyz')).status, 200, 'readyz');

  const alice = await register('alice');
  const bob = await register('bob');
  const carol = await register('carol');

  const login = await session.call<Auth>('login', { body: { login: alice.user.username, password } });
  expectStatus(login.status, 200, 'login');
  const refreshed = await session.call<Auth>('refresh', {
    body: { refreshToken: login.body.refreshToken },
  });
  expectStatus(refreshed.status, 200, 'refresh');
  const a = refreshed.body.accessToken;
  const b = bob.accessToken;

  expectStatus((await session.call('getProfile', { token: a })).status, 200, 'getProfile');
  const renamed = await session.call('updateProfile', { token: a, body: { displayName: 'Alice A.' } });
  expectStatus(renamed.status, 200, 'updateProfile');
  const wrongPassword = await session.call('updateProfile', {
    token: a,
    body: { password: 'a new password 1', currentPassword: 'not my password' },
  });
  expectStatus(wrongPassword.status, 400, 'updateProfile with a wrong current password');
  const found = await session.call('searchUsers', { token: a, query: { q: bob.user.username } });
  expectStatus(found.status, 200, 'searchUsers');
  expectStatus(
    (await session.call('getUser', { token: a, params: { id: bob.user.id } })).status,
    200,
    'getUser',
  );

  const created = await session.call<{ id: string; name: string }>('createRoom', {
    token: a,
    body: { name: uniqueName('room'), visibility: 'public', description: 'for the afternoon' },
  });
  expectStatus(created.status, 201, 'createRoom');
  const room = created.body;
  const id = { id: room.id };
  const discovered = await session.call('discoverRooms', { token: b, query: { q: room.name } });
  expectStatus(discovered.status, 200, 'discoverRooms');
  expectStatus((await session.call('joinRoom', { token: b, params: id })).status, 200, 'joinRoom');
  // Carol must share a room with Alice to be added at once (a stranger gets an invitation instead: 202).
  const lobby = await session.call<{ id: string }>('createRoom', {
    token: a,
    body: { name: uniqueName('lobby'), visibility: 'public' },
  });
  expectStatus(lobby.status, 201, 'createRoom (lobby)');
  const met = await session.call('joinRoom', { token: carol.accessToken, params: { id: lobby.body.id } });
  expectStatus(met.status, 200, 'joinRoom (lobby)');
  const added = await session.call('addParticipant', {
    token: a,
    params: id,
    body: { userId: carol.user.id },
  });
  expectStatus(added.status, 201, 'addParticipant');
  const people = await session.call('listParticipants', { token: b, params: id });
  expectStatus(people.status, 200, 'listParticipants');
  expectStatus((await session.call('getRoom', { token: b, params: id })).status, 200, 'getRoom');
  const described = await session.call('updateRoom', {
    token: a,
    params: id,
    body: { description: 'for the whole week' },
  });
  expectStatus(described.status, 200, 'updateRoom');
  const notYours = await session.call('updateRoom', { token: b, params: id, body: { name: 'mine' } });
  expectStatus(notYours.status, 403, 'updateRoom by a member');

  const clientMsgId = randomUUID();
  const message = { body: `hello @${bob.user.username}`, clientMsgId };
  const sent = await session.call<{ seq: number }>('sendMessage', { token: a, params: id, body: message });
  expectStatus(sent.status, 201, 'sendMessage');
  const retried = await session.call('sendMessage', { token: a, params: id, body: message });
  expectStatus(retried.status, 200, 'sendMessage retried');
  const blank = await session.call('sendMessage', { token: a, params: id, body: { body: '   ' } });
  expectStatus(blank.status, 400, 'sendMessage with a blank body');
  const searched = await session.call('searchMessages', { token: b, query: { q: 'hello', roomId: room.id } });
  expectStatus(searched.status, 200, 'searchMessages');
  const unsearchable = await session.call('searchMessages', { token: b, query: { q: 'before:someday' } });
  expectStatus(unsearchable.status, 400, 'searchMessages with filters alone');
  const history = await session.call('listMessages', { token: b, params: id, query: { limit: '10' } });
  expectStatus(history.status, 200, 'listMessages');
  // Before the read marker moves: reading the room past a mention also reads its notification.
  const inbox = await session.call<{ notifications: Array<{ id: string }> }>('listNotifications', {
    token: b,
    query: { unread: 'true' },
  });
  expectStatus(inbox.status, 200, 'listNotifications');
  const first = inbox.body.notifications[0];
  if (!first) throw new Error('the mention made no notification');
  const readOne = await session.call('readNotification', { token: b, params: { id: first.id } });
  expectStatus(readOne.status, 204, 'readNotification');
  expectStatus((await session.call('readAllNotifications', { token: b })).status, 204, 'readAll');

  const read = await session.call('markRead', { token: b, params: id, body: { seq: sent.body.seq } });
  expectStatus(read.status, 204, 'markRead');
  expectStatus((await session.call('listRooms', { token: b })).status, 200, 'listRooms');

  const removed = await session.call('removeParticipant', {
    token: a,
    params: { id: room.id, userId: carol.user.id },
  });
  expectStatus(removed.status, 204, 'removeParticipant');
  expectStatus((await session.call('leaveRoom', { token: b, params: id })).status, 204, 'leaveRoom');
  const missing = await session.call('getRoom', { token: a, params: { id: randomUUID() } });
  expectStatus(missing.status, 404, 'getRoom of an unknown room');
  expectStatus((await session.call('deleteRoom', { token: a, params: id })).status, 204, 'deleteRoom');
  const resetAsked = await session.call('requestPasswordReset', {
    body: { email: `${carol.user.username}@example.test` },
  });
  expectStatus(resetAsked.status, 202, 'requestPasswordReset');
  const spentLink = await session.call('confirmPasswordReset', {
    body: { token: 'not-a-link-token', password: 'a brand new passphrase' },
  });
  expectStatus(spentLink.status, 400, 'confirmPasswordReset with a link that is not valid');
  const out = await session.call('logout', { token: a, body: { refreshToken: refreshed.body.refreshToken } });
  expectStatus(out.status, 204, 'logout');
  const afterLogout = await session.call('getProfile', { token: carol.accessToken });
  expectStatus(afterLogout.status, 200, 'getProfile of another session');
}

/**
 * Operations the scripted session does not know (another engineer's new route) are still exercised: with
 * a fresh user's token, random ids for path parameters and no body. Whatever they answer (a 2xx, or a
 * 4xx problem) must match the document.
 */
export async function probeRest(session: ApiSession): Promise<EndpointName[]> {
  const missing = (Object.keys(api) as EndpointName[]).filter((name) => !session.called().has(name));
  if (missing.length === 0) return [];
  const username = uniqueName('probe');
  const { body } = await session.call<Auth>('register', {
    body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
  });
  for (const name of missing) {
    const params: Record<string, string> = {};
    for (const match of api[name].path.matchAll(/:([A-Za-z]+)/g)) params[match[1] as string] = randomUUID();
    await session.call(name, { token: body.accessToken, params, probe: true });
  }
  return missing;
}
