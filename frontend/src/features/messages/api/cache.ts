import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { MemberEventFrame, Message, MessagePage } from '@messaging-app/shared';
import type { OutboxEntry } from '../outbox/entry';
import { byOrder } from '../outbox/entry';
import { messagesKey, outboxKey, threadOutboxKey } from './messages';

export type MessagePages = InfiniteData<MessagePage, number | null>;

/** A message typed by the user (in any tab) that the server has not confirmed yet. */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  /** Why the server refused it, when it failed. */
  error?: string;
}

/** A (re)load of the newest page is in flight; loading an older page only adds to what is there. */
function isReloading(queryClient: QueryClient, key: ReturnType<typeof messagesKey>): boolean {
  const query = queryClient.getQueryCache().find({ queryKey: key, exact: true });
  if (query?.state.fetchStatus !== 'fetching') return false;
  return query.state.fetchMeta?.fetchMore?.direction !== 'backward';
}

/** Adds a message to the loaded history of its room, or replaces it (edit, delete, duplicate delivery). */
export function upsertMessage(queryClient: QueryClient, message: Message): void {
  const key = messagesKey(message.roomId);
  if (!queryClient.getQueryData(key) || isReloading(queryClient, key)) {
    // History may be loading right now from before this message, and its answer would replace what is
    // written here: that load is dropped and the history fetched again, so the message cannot be missed.
    // (A room never opened has no query, and this does nothing.)
    void queryClient
      .cancelQueries({ queryKey: key, exact: true })
      .then(() => queryClient.invalidateQueries({ queryKey: key, exact: true }));
  }
  queryClient.setQueryData<MessagePages>(key, (data) => {
    if (!data) return data;
    let found = false;
    const pages = data.pages.map((page) => {
      const index = page.messages.findIndex((m) => m.id === message.id);
      if (index < 0) return page;
      found = true;
      const messages = [...page.messages];
      messages[index] = message;
      return { ...page, messages };
    });
    if (found) return { ...data, pages };
    const last = pages[pages.length - 1];
    if (!last) return { pages: [{ messages: [message], events: [], hasMore: false }], pageParams: [null] };
    // Gap fills can arrive after a newer live message: keep the page in seq order.
    const messages = [...last.messages, message].sort((a, b) => a.seq - b.seq);
    return { ...data, pages: [...pages.slice(0, -1), { ...last, messages }] };
  });
  if (message.clientMsgId) removePending(queryClient, message.roomId, message.clientMsgId);
}

/** Adds a membership change ("Ann added Bob") to the loaded history of its room, once. */
export function addMemberEvent(queryClient: QueryClient, event: MemberEventFrame): void {
  queryClient.setQueryData<MessagePages>(messagesKey(event.roomId), (data) => {
    if (!data || data.pages.some((page) => page.events.some((e) => e.seq === event.seq))) return data;
    const last = data.pages[data.pages.length - 1];
    if (!last) return data;
    const events = [...last.events, event].sort((a, b) => a.seq - b.seq);
    return { ...data, pages: [...data.pages.slice(0, -1), { ...last, events }] };
  });
}

export function pendingOf(queryClient: QueryClient, roomId: string): PendingMessage[] {
  return queryClient.getQueryData<PendingMessage[]>(outboxKey(roomId)) ?? [];
}

/** Mirrors the outbox into each room's and each thread's pending list, in typing order. */
export function showOutbox(queryClient: QueryClient, entries: OutboxEntry[]): void {
  const byRoom = new Map<string, PendingMessage[]>();
  const byThread = new Map<string, { key: ReturnType<typeof threadOutboxKey>; list: PendingMessage[] }>();
  for (const entry of [...entries].sort(byOrder)) {
    const thread = entry.threadId
      ? (byThread.get(entry.threadId) ?? { key: threadOutboxKey(entry.roomId, entry.threadId), list: [] })
      : null;
    if (thread && entry.threadId) byThread.set(entry.threadId, thread);
    const list = thread ? thread.list : (byRoom.get(entry.roomId) ?? []);
    list.push({
      clientMsgId: entry.clientMsgId,
      roomId: entry.roomId,
      body: entry.body,
      createdAt: entry.createdAt,
      status: entry.state === 'failed' ? 'failed' : 'sending',
      error: entry.error,
    });
    if (!thread) byRoom.set(entry.roomId, list);
  }
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['outbox'] })) {
    const roomId = query.queryKey[1];
    if (typeof roomId === 'string' && !byRoom.has(roomId)) queryClient.setQueryData(outboxKey(roomId), []);
  }
  for (const [roomId, list] of byRoom) queryClient.setQueryData(outboxKey(roomId), list);
  for (const query of queryClient.getQueryCache().findAll({ queryKey: ['thread-outbox'] })) {
    const rootId = query.queryKey[2];
    if (typeof rootId === 'string' && !byThread.has(rootId)) queryClient.setQueryData(query.queryKey, []);
  }
  for (const { key, list } of byThread.values()) queryClient.setQueryData(key, list);
}

export function removePending(queryClient: QueryClient, roomId: string, clientMsgId: string): void {
  queryClient.setQueryData<PendingMessage[]>(outboxKey(roomId), (list) =>
    list?.filter((p) => p.clientMsgId !== clientMsgId),
  );
}
