import { randomUUID } from 'node:crypto';
import type { AuthResponse, Message, Room } from '@messaging-app/shared';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

let counter = 0;

/** A username nobody else in this run has. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}${counter}${randomUUID().slice(0, 6)}`
    .replace(/-/g, '')
    .slice(0, 32);
}

export interface TestUser extends AuthResponse {
  password: string;
  /** `{ authorization: 'Bearer …' }` for inject. */
  headers: { authorization: string };
}

export async function registerUser(
  server: FastifyInstance,
  overrides: Partial<{ username: string; email: string; password: string; displayName: string }> = {},
): Promise<TestUser> {
  const username = overrides.username ?? uniqueName();
  const password = overrides.password ?? 'correct horse battery';
  const response = await server.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { username, email: overrides.email ?? `${username}@example.test`, password, ...overrides },
  });
  if (response.statusCode !== 201)
    throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const body = response.json<AuthResponse>();
  return { ...body, password, headers: { authorization: `Bearer ${body.accessToken}` } };
}

/** `count` new users, signed up at once (the test limits let one address queue that much password work). */
export function registerUsers(server: FastifyInstance, count: number): Promise<TestUser[]> {
  return Promise.all(Array.from({ length: count }, () => registerUser(server)));
}

export async function createRoom(
  server: FastifyInstance,
  owner: TestUser,
  overrides: Partial<{ name: string; description: string; visibility: 'public' | 'private' }> = {},
): Promise<Room> {
  const response = await server.inject({
    method: 'POST',
    url: '/api/rooms',
    headers: owner.headers,
    payload: { name: overrides.name ?? uniqueName('room'), visibility: 'public', ...overrides },
  });
  if (response.statusCode !== 201)
    throw new Error(`create room failed: ${response.statusCode} ${response.body}`);
  return response.json<Room>();
}

export async function joinRoom(server: FastifyInstance, user: TestUser, roomId: string): Promise<void> {
  const response = await server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/join`,
    headers: user.headers,
  });
  if (response.statusCode !== 200) throw new Error(`join failed: ${response.statusCode} ${response.body}`);
}

export async function postMessage(
  server: FastifyInstance,
  user: TestUser,
  roomId: string,
  body: string,
  clientMsgId: string = randomUUID(),
): Promise<Message> {
  const response = await server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/messages`,
    headers: user.headers,
    payload: { body, clientMsgId },
  });
  if (response.statusCode !== 201) throw new Error(`post failed: ${response.statusCode} ${response.body}`);
  return response.json<Message>();
}

/** Asserts a problem+json answer and returns it. */
export function problemOf(response: LightMyRequestResponse): {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
} {
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${type}: ${response.body}`);
  }
  return response.json();
}

/**
 * Makes two people share a room (`a` opens a public one, `b` joins), so that `a` may add `b` to
 * rooms at once instead of inviting them.
 */
export async function acquaint(server: FastifyInstance, a: TestUser, b: TestUser): Promise<Room> {
  const common = await createRoom(server, a, { visibility: 'public', name: uniqueName('common') });
  await joinRoom(server, b, common.id);
  return common;
}

/**
 * Adds `user` to a room as a member at once. Adding someone who shares no room with the adder makes an
 * invitation (202) instead, so the two are acquainted first.
 */
export async function addMember(
  server: FastifyInstance,
  adder: TestUser,
  roomId: string,
  user: TestUser,
): Promise<void> {
  await acquaint(server, adder, user);
  const response = await server.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/participants`,
    headers: adder.headers,
    payload: { userId: user.user.id },
  });
  if (response.statusCode !== 201) throw new Error(`add failed: ${response.statusCode} ${response.body}`);
}
