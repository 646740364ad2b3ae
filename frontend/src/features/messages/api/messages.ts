import type { Message, MessagePage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const messagesKey = (roomId: string) => ['messages', roomId] as const;
/** Messages of the user's outbox not yet confirmed by the server (sending or failed), per room. */
export const outboxKey = (roomId: string) => ['outbox', roomId] as const;
/** The same for the thread replies of one root. */
export const threadOutboxKey = (roomId: string, rootId: string) => ['thread-outbox', roomId, rootId] as const;

export const pageSize = 50;

/** A server instance from before membership events in history (a rolling update) sends no `events`. */
const withEvents = (page: Partial<MessagePage> & Omit<MessagePage, 'events'>): MessagePage => ({
  ...page,
  events: page.events ?? [],
});

export const fetchMessages = (roomId: string, before?: number): Promise<MessagePage> =>
  call('listMessages', { params: { id: roomId }, query: { before, limit: pageSize } }).then(withEvents);
export const fetchMessagesAfter = (roomId: string, after: number): Promise<MessagePage> =>
  call('listMessages', { params: { id: roomId }, query: { after, limit: 100 } }).then(withEvents);

/** The lowest seq a page holds, message or membership event: the next older page starts below it. */
export function firstSeqOf(page: MessagePage): number | undefined {
  const seqs = [...page.messages, ...page.events].map((item) => item.seq);
  return seqs.length > 0 ? Math.min(...seqs) : undefined;
}
export const postMessage = (
  roomId: string,
  body: string,
  clientMsgId: string,
  signal?: AbortSignal,
  thread?: { threadId: string; alsoToRoom: boolean },
): Promise<Message> =>
  call('sendMessage', { params: { id: roomId }, body: { body, clientMsgId, ...thread }, signal });
export const markRead = (roomId: string, seq: number): Promise<void> =>
  call('markRead', { params: { id: roomId }, body: { seq } });
