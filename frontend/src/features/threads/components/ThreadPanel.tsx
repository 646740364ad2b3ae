import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { limits } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { FormError } from '../../../components/FormError';
import { formatTime } from '../../../utils/format';
import { upsertMessage } from '../../messages/api/cache';
import { addThreadReply, fetchThread, markThreadRead, sendReply, threadKey } from '../api/threads';

/** A thread beside the room: its root, its replies (kept live by the socket) and a reply box. */
export function ThreadPanel({
  roomId,
  rootId,
  onClose,
}: {
  roomId: string;
  rootId: string;
  onClose(): void;
}) {
  const queryClient = useQueryClient();
  const thread = useQuery({
    queryKey: threadKey(roomId, rootId),
    queryFn: () => fetchThread(roomId, rootId),
  });
  const [body, setBody] = useState('');
  const [alsoToRoom, setAlsoToRoom] = useState(false);
  const reply = useMutation({
    mutationFn: () => sendReply(roomId, rootId, body.trim(), alsoToRoom),
    onSuccess: (message) => {
      addThreadReply(queryClient, message);
      if (message.alsoToRoom) upsertMessage(queryClient, message);
      setBody('');
    },
  });
  const lastSeq = thread.data?.replies.at(-1)?.seq;
  const readSeq = thread.data?.lastReadSeq ?? 0;
  // What is on screen is read: the thread does not come back as unread.
  useEffect(() => {
    if (lastSeq !== undefined && lastSeq > readSeq)
      void markThreadRead(roomId, rootId, lastSeq).catch(() => {});
  }, [roomId, rootId, lastSeq, readSeq]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (body.trim()) reply.mutate();
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
      ) : thread.isError ? (
        <p role="alert">Could not load the thread.</p>
      ) : (
        <ol className="thread-messages" aria-label="Replies">
          {[thread.data.root, ...thread.data.replies].map((m) => (
            <li key={m.id} className="thread-message">
              <Avatar user={m.sender} size={24} />
              <div>
                <div className="message-meta">
                  <span className="message-sender">{m.sender.displayName}</span>
                  <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
                </div>
                <p className="thread-body">{m.deletedAt ? 'Message deleted' : m.body}</p>
              </div>
            </li>
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
        <FormError message={reply.error?.message} />
        <button type="submit" className="button primary" disabled={!body.trim() || reply.isPending}>
          Reply
        </button>
      </form>
    </aside>
  );
}
