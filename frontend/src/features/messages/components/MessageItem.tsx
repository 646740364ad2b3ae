import type { Message } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { formatTime } from '../../../utils/format';
import { MessageBody } from './MessageBody';
import { MessageContent } from './MessageContent';
import type { PendingMessage } from '../api/cache';
import { useOverdue } from '../hooks/useOverdue';

/** A message still unconfirmed this long, while connected, says so: the server is not taking it. */
const overdueAfterMs = 5_000;
import { ThreadSummary } from '../../threads/components/ThreadSummary';

interface Props {
  message: Message;
  grouped: boolean;
  highlighted: boolean;
  myUsername: string | undefined;
}

/** One message; a grouped one hides the repeated avatar and name (still read out to screen readers). */
export function MessageItem({ message, grouped, highlighted, myUsername }: Props) {
  const classes = ['message', grouped ? 'grouped' : '', highlighted ? 'highlighted' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li className={classes} id={`message-${message.id}`} data-seq={message.seq}>
      <div className="message-gutter">
        {grouped ? (
          <time className="message-hover-time" dateTime={message.createdAt}>
            {formatTime(message.createdAt)}
          </time>
        ) : (
          <Avatar user={message.sender} />
        )}
      </div>
      <div className="message-main">
        {grouped ? (
          <span className="visually-hidden">{message.sender.displayName}: </span>
        ) : (
          <div className="message-meta">
            <span className="message-sender">{message.sender.displayName}</span>
            <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          </div>
        )}
        <MessageContent message={message} myUsername={myUsername} />
        <ThreadSummary message={message} />
      </div>
    </li>
  );
}

/**
 * A message of mine not confirmed yet: greyed while on its way ("waiting for the connection" when the
 * socket is down, "not sent yet" when a connected server has not taken it for 5 s, e.g. while its
 * database is down), or refused by the server, with why and a way to retry or delete it.
 */
export function PendingItem({
  pending,
  myName,
  offline,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  myName: string;
  offline: boolean;
  onRetry(pending: PendingMessage): void;
  onDiscard(pending: PendingMessage): void;
}) {
  const failed = pending.status === 'failed';
  const overdue = useOverdue(pending.createdAt, overdueAfterMs);
  return (
    <li
      className={failed ? 'message pending failed' : 'message pending'}
      data-client-msg-id={pending.clientMsgId}
    >
      <div className="message-gutter" />
      <div className="message-main">
        <span className="visually-hidden">{myName}: </span>
        <MessageBody body={pending.body} />
        {failed ? (
          <p className="message-status" role="alert">
            Not sent{pending.error ? `: ${pending.error}` : '.'}{' '}
            <button type="button" className="link-button" onClick={() => onRetry(pending)}>
              Retry
            </button>{' '}
            <button type="button" className="link-button" onClick={() => onDiscard(pending)}>
              Delete
            </button>
          </p>
        ) : offline ? (
          <p className="message-status muted">Waiting for the connection…</p>
        ) : overdue ? (
          <p className="message-status muted">Not sent yet: the server is not answering. Retrying…</p>
        ) : (
          // Shown greyed while in flight; a status line would make the list jump when it lands.
          <span className="visually-hidden">(sending)</span>
        )}
      </div>
    </li>
  );
}
