import { OpenDmBody } from './dms.js';
import { ChangeRoleBody, Membership, ParticipantParams, Room } from './rooms.js';
import { ThreadPage, ThreadParams, ThreadQuery, ThreadReadBody } from './threads.js';
import type { Endpoint } from './api.js';

/**
 * Direct messages, threads and member roles (DESIGN §4b). Spread into the route table of `api.ts`,
 * whose entries they are.
 */
export const conversationEndpoints = {
  openDm: {
    method: 'POST',
    path: '/api/dms',
    summary: 'Open the direct conversation with these people: 201 new, 200 the existing one',
    tag: 'rooms',
    auth: true,
    body: OpenDmBody,
    responses: { 201: Room, 200: Room },
  },
  getThread: {
    method: 'GET',
    path: '/api/rooms/:id/threads/:messageId',
    summary: "A thread's root and a page of its replies in ascending seq",
    tag: 'messages',
    auth: true,
    params: ThreadParams,
    querystring: ThreadQuery,
    responses: { 200: ThreadPage },
  },
  markThreadRead: {
    method: 'POST',
    path: '/api/rooms/:id/threads/:messageId/read',
    summary: "Move the caller's read marker of one thread",
    tag: 'messages',
    auth: true,
    params: ThreadParams,
    body: ThreadReadBody,
    responses: { 204: null },
  },
  changeRole: {
    method: 'PATCH',
    path: '/api/rooms/:id/members/:userId',
    summary: 'Promote a member to admin or demote an admin (owner only)',
    tag: 'rooms',
    auth: true,
    params: ParticipantParams,
    body: ChangeRoleBody,
    responses: { 200: Membership },
  },
} satisfies Record<string, Endpoint>;
