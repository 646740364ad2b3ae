import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Message, ThreadPage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const threadKey = (roomId: string, rootId: string) => ['thread', roomId, rootId] as const;

/** A thread as loaded: its newest page first, older pages added in front as the reader scrolls up. */
export type ThreadPages = InfiniteData<ThreadPage, number | null>;

export const threadPageSize = 100;

/** The newest replies of a thread, or with `before` the newest ones below that seq; ascending either way. */
export const fetchThread = (roomId: string, rootId: string, before?: number): Promise<ThreadPage> =>
  call('getThread', {
    params: { id: roomId, messageId: rootId },
    query: before === undefined ? { latest: true, limit: threadPageSize } : { before, limit: threadPageSize },
  });

export const markThreadRead = (roomId: string, rootId: string, seq: number) =>
  call('markThreadRead', { params: { id: roomId, messageId: rootId }, body: { seq } });

/**
 * A thread reply (live, replayed, just sent, edited or deleted) joins its open thread once, in seq
 * order, or replaces its earlier copy.
 */
export function addThreadReply(queryClient: QueryClient, reply: Message): void {
  if (!reply.threadId) return;
  queryClient.setQueryData<ThreadPages>(threadKey(reply.roomId, reply.threadId), (data) => {
    const last = data?.pages.at(-1);
    if (!data || !last) return data;
    const held = data.pages.findIndex((page) => page.replies.some((r) => r.id === reply.id));
    const at = held >= 0 ? held : data.pages.length - 1;
    const pages = data.pages.map((page, i) =>
      i === at
        ? {
            ...page,
            replies: [...page.replies.filter((r) => r.id !== reply.id), reply].sort((a, b) => a.seq - b.seq),
          }
        : page,
    );
    return { ...data, pages };
  });
}

/** A reply that lives only in its thread: not in the room's timeline, not a room unread. */
export const isThreadOnly = (message: Message) => Boolean(message.threadId) && !message.alsoToRoom;

/** An edited or deleted root (or its new reply summary) shows in its open thread too. */
export function updateThreadRoot(queryClient: QueryClient, root: Message): void {
  if (root.threadId) return;
  queryClient.setQueryData<ThreadPages>(threadKey(root.roomId, root.id), (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, root })) } : data,
  );
}
