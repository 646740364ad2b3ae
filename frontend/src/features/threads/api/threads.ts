import type { QueryClient } from '@tanstack/react-query';
import type { Message, ThreadPage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const threadKey = (roomId: string, rootId: string) => ['thread', roomId, rootId] as const;

export const fetchThread = (roomId: string, rootId: string): Promise<ThreadPage> =>
  call('getThread', { params: { id: roomId, messageId: rootId }, query: { limit: 100 } });

export const sendReply = (
  roomId: string,
  rootId: string,
  body: string,
  alsoToRoom: boolean,
): Promise<Message> =>
  call('sendMessage', {
    params: { id: roomId },
    body: { body, clientMsgId: crypto.randomUUID(), threadId: rootId, alsoToRoom },
  });

export const markThreadRead = (roomId: string, rootId: string, seq: number) =>
  call('markThreadRead', { params: { id: roomId, messageId: rootId }, body: { seq } });

/** A thread reply (live, replayed or just sent) joins its open thread once, in seq order. */
export function addThreadReply(queryClient: QueryClient, reply: Message): void {
  if (!reply.threadId) return;
  queryClient.setQueryData<ThreadPage>(threadKey(reply.roomId, reply.threadId), (page) => {
    if (!page) return page;
    const others = page.replies.filter((r) => r.id !== reply.id);
    return { ...page, replies: [...others, reply].sort((a, b) => a.seq - b.seq) };
  });
}

/** A reply that lives only in its thread: not in the room's timeline, not a room unread. */
export const isThreadOnly = (message: Message) => Boolean(message.threadId) && !message.alsoToRoom;
