import { MessageHistory, EditMessageBody, RoomMessageParams } from './message-changes.js';
import { Message } from './messages.js';
import { ReactionParams } from './reactions.js';
import type { Endpoint } from './api.js';

/**
 * Routes that change a posted message: edit, delete, edit history, reactions (DESIGN §4b). Spread
 * into the route table of `api.ts`, whose entries they are.
 */
export const messageChangeEndpoints = {
  editMessage: {
    method: 'PATCH',
    path: '/api/rooms/:id/messages/:messageId',
    summary: 'Edit your own message (within MESSAGE_EDIT_WINDOW when set)',
    tag: 'messages',
    auth: true,
    params: RoomMessageParams,
    body: EditMessageBody,
    responses: { 200: Message },
  },
  deleteMessage: {
    method: 'DELETE',
    path: '/api/rooms/:id/messages/:messageId',
    summary: 'Delete a message: your own, or any as room owner or admin; it stays as deleted',
    tag: 'messages',
    auth: true,
    params: RoomMessageParams,
    responses: { 204: null },
  },
  messageHistory: {
    method: 'GET',
    path: '/api/rooms/:id/messages/:messageId/history',
    summary: 'Earlier versions of an edited message, oldest first',
    tag: 'messages',
    auth: true,
    params: RoomMessageParams,
    responses: { 200: MessageHistory },
  },
  addReaction: {
    method: 'PUT',
    path: '/api/rooms/:id/messages/:messageId/reactions/:emoji',
    summary: 'React to a message with one emoji (URL-encoded); idempotent',
    tag: 'messages',
    auth: true,
    params: ReactionParams,
    responses: { 204: null },
  },
  removeReaction: {
    method: 'DELETE',
    path: '/api/rooms/:id/messages/:messageId/reactions/:emoji',
    summary: 'Take your reaction back; idempotent',
    tag: 'messages',
    auth: true,
    params: ReactionParams,
    responses: { 204: null },
  },
} as const satisfies Record<string, Endpoint>;
