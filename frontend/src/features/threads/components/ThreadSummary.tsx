import type { Message } from '@messaging-app/shared';
import { formatTime } from '../../../utils/format';
import { useOpenThread } from './ThreadContext';

/** Under a root: how many replies and when the last came, or a way to start the thread. */
export function ThreadSummary({ message }: { message: Message }) {
  const open = useOpenThread();
  if (!open || message.threadId || message.deletedAt) return null;
  const count = message.replyCount ?? 0;
  if (count === 0) {
    return (
      <button type="button" className="thread-start button subtle small" onClick={() => open(message.id)}>
        Reply in thread
      </button>
    );
  }
  return (
    <button type="button" className="thread-summary button subtle small" onClick={() => open(message.id)}>
      {count === 1 ? '1 reply' : `${count} replies`}
      {message.lastReplyAt && <span className="muted"> · last {formatTime(message.lastReplyAt)}</span>}
    </button>
  );
}
