import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { limits } from '@messaging-app/shared';
import type { Message } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { FormError } from '../../../components/FormError';
import { formatTime } from '../../../utils/format';
import { useAuth } from '../../auth/hooks/useAuth';
import { useSocketStatus } from '../../../hooks/useWebSocket';
import type { PendingMessage } from '../../messages/api/cache';
import { threadOutboxKey } from '../../messages/api/messages';
import { MessageBody } from '../../messages/components/MessageBody';
import { PendingItem } from '../../messages/components/MessageItem';
import { useOutbox } from '../../messages/outbox/OutboxProvider';
import { fetchThread, markThreadRead, threadKey } from '../api/threads';

/**
 * A thread beside the room: its root, its replies (the newest page first, earlier ones on demand, kept
 * live by the socket) and a reply box that sends through the outbox like the room's composer.
 */
export function ThreadPanel({
  roomId,
  rootId,
  onClose,
}: {
  roomId: string;
  rootId: string;
  onClose(): void;
}) {
  const { user } = useAuth();
  const thread = useInfiniteQuery({
    queryKey: threadKey(roomId, rootId),
    queryFn: ({ pageParam }) => fetchThread(roomId, rootId, pageParam ?? undefined),
    initialPageParam: null as number | null,
    // Newer replies arrive over the socket, never by paging forward.
    getNextPageParam: () => undefined,
    getPreviousPageParam: (first) => (first.hasMore && first.replies[0] ? first.replies[0].seq : undefined),
  });
  const root = thread.data?.pages.at(-1)?.root;
  const replies = useMemo(() => thread.data?.pages.flatMap((page) => page.replies) ?? [], [thread.data]);
  const pending = useThreadPending(roomId, rootId);
  const waiting = useMemo(() => {
    const landed = new Set(replies.map((r) => r.clientMsgId).filter(Boolean));
    return pending.filter((p) => !landed.has(p.clientMsgId));
  }, [replies, pending]);
  const offline = useSocketStatus() !== 'open';
  const outbox = useOutbox();
  const [body, setBody] = useState('');
  const [alsoToRoom, setAlsoToRoom] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const lastSeq = replies.at(-1)?.seq;
  const readSeq = thread.data?.pages.at(-1)?.lastReadSeq ?? 0;
  // What is on screen is read: the thread does not come back as unread.
  useEffect(() => {
    if (lastSeq !== undefined && lastSeq > readSeq)
      void markThreadRead(roomId, rootId, lastSeq).catch((failure: unknown) => {
        // The marker stays where the server has it; the next reply seen tries again.
        console.warn('could not mark the thread read', failure);
      });
  }, [roomId, rootId, lastSeq, readSeq]);

  const { fetchPreviousPage, isFetchingPreviousPage } = thread;
  const loadEarlier = useCallback(() => {
    if (!isFetchingPreviousPage) void fetchPreviousPage();
  }, [fetchPreviousPage, isFetchingPreviousPage]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text || !outbox) return;
    setBody('');
    setError(null);
    // Stored in the browser before any network call; the outbox sends it with one clientMsgId until acked.
    outbox.enqueue(roomId, text, { threadId: rootId, alsoToRoom }).catch((failure: unknown) => {
      setBody(text);
      setError(failure instanceof Error ? failure.message : 'Could not queue the reply.');
    });
  }

  return (
    <aside className="thread-panel" aria-label="Thread">
      <header className="thread-header">
        <h2>Thread</h2>
        <button type="button" className="icon-button" aria-label="Close thread" onClick={onClose}>
          ×
        </button>
      </header>
      {thread.isPending ? (
        <p className="muted">Loading thread…</p>
      ) : thread.isError || !root ? (
        <p role="alert">Could not load the thread.</p>
      ) : (
        <ol className="thread-messages" aria-label="Replies">
          <ThreadMessage message={root} myUsername={user?.username} />
          {thread.hasPreviousPage && (
            <li className="thread-earlier">
              <button
                type="button"
                className="button subtle"
                onClick={loadEarlier}
                disabled={isFetchingPreviousPage}
              >
                {isFetchingPreviousPage ? 'Loading…' : 'Load earlier replies'}
              </button>
            </li>
          )}
          {replies.map((m) => (
            <ThreadMessage key={m.id} message={m} myUsername={user?.username} />
          ))}
          {waiting.map((p) => (
            <PendingItem
              key={p.clientMsgId}
              pending={p}
              myName={user?.displayName ?? 'You'}
              offline={offline}
              onRetry={(entry) => void outbox?.retry(entry.clientMsgId)}
              onDiscard={(entry) => void outbox?.discard(entry.clientMsgId)}
            />
          ))}
        </ol>
      )}
      <form className="thread-composer" onSubmit={submit}>
        <label htmlFor="thread-reply" className="visually-hidden">
          Reply in thread
        </label>
        <textarea
          id="thread-reply"
          rows={2}
          placeholder="Reply…"
          maxLength={limits.messageBodyMax}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <label className="thread-also">
          <input type="checkbox" checked={alsoToRoom} onChange={(e) => setAlsoToRoom(e.target.checked)} />{' '}
          Also send to the room
        </label>
        <FormError message={error} />
        <button type="submit" className="button primary" disabled={!body.trim() || !outbox}>
          Reply
        </button>
      </form>
    </aside>
  );
}

/** The root or a reply, its body rendered as Markdown like in the room. */
function ThreadMessage({ message, myUsername }: { message: Message; myUsername: string | undefined }) {
  return (
    <li className="thread-message" id={`thread-message-${message.id}`} data-seq={message.seq}>
      <Avatar user={message.sender} size={24} />
      <div className="thread-main">
        <div className="message-meta">
          <span className="message-sender">{message.sender.displayName}</span>
          <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        </div>
        {message.deletedAt ? (
          <p className="message-body deleted">This message was deleted.</p>
        ) : (
          <>
            <MessageBody body={message.body} myUsername={myUsername} />
            {message.editedAt && <span className="muted small">(edited)</span>}
          </>
        )}
      </div>
    </li>
  );
}

/** The user's replies to this thread not yet confirmed, in the order they were typed. */
function useThreadPending(roomId: string, rootId: string): PendingMessage[] {
  return useQuery<PendingMessage[]>({
    queryKey: threadOutboxKey(roomId, rootId),
    queryFn: () => [],
    initialData: [],
    staleTime: Infinity,
    gcTime: Infinity,
  }).data;
}
