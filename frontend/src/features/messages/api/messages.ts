import type { Message, MessagePage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const messagesKey = (roomId: string) => ['messages', roomId] as const;
/** Messages of the user's outbox not yet confirmed by the server (sending or failed), per room. */
export const outboxKey = (roomId: string) => ['outbox', roomId] as const;

export const pageSize = 50;

export const fetchMessages = (roomId: string, before?: number): Promise<MessagePage> =>
  call('listMessages', { params: { id: roomId }, query: { before, limit: pageSize } });
export const fetchMessagesAfter = (roomId: string, after: number): Promise<MessagePage> =>
  call('listMessages', { params: { id: roomId }, query: { after, limit: 100 } });
export const postMessage = (
  roomId: string,
  body: string,
  clientMsgId: string,
  signal?: AbortSignal,
): Promise<Message> => call('sendMessage', { params: { id: roomId }, body: { body, clientMsgId }, signal });
export const markRead = (roomId: string, seq: number): Promise<void> =>
  call('markRead', { params: { id: roomId }, body: { seq } });
