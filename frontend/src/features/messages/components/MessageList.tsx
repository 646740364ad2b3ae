import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { MemberEventFrame, Message } from '@messaging-app/shared';
import type { PendingMessage } from '../api/cache';
import { buildRows } from './rows';
import { MessageItem, PendingItem } from './MessageItem';
import { MemberEventLine } from './MemberEventLine';

export interface MessageListProps {
  roomName: string;
  /** A direct message: introduced as a conversation with its people, not as a #room. */
  isDm?: boolean;
  messages: Message[];
  /** Membership changes ("Ann added Bob"), shown between the messages by seq. */
  events?: MemberEventFrame[];
  pending: PendingMessage[];
  /**
   * Whether the room's history is on screen: a refresh that fails keeps what was loaded ('loaded'); a
   * first load still running or failed shows as such above the messages queued meanwhile.
   */
  historyState?: 'loaded' | 'loading' | 'failed';
  /** The read marker when the room was opened: the "new messages" divider goes after it. */
  readSeq: number | null;
  /** Marked unread: the divider goes before the next message even when it is mine. */
  dividerFromAnyone?: boolean;
  me: { id: string; username: string; displayName: string } | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  onRetry(pending: PendingMessage): void;
  onDiscard(pending: PendingMessage): void;
  /** The socket is down: queued messages wait for it. */
  offline?: boolean;
  onAtBottomChange(atBottom: boolean): void;
  highlightId?: string | null;
}

const bottomSlackPx = 48;

/** The scrolling history of a room: older pages load upward, new messages keep it pinned to the bottom. */
export function MessageList(props: MessageListProps) {
  const {
    messages,
    events,
    pending,
    readSeq,
    me,
    hasOlder,
    loadingOlder,
    onLoadOlder,
    onAtBottomChange,
    highlightId,
    historyState = 'loaded',
  } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const layout = useRef<{ firstId?: string; height: number }>({ height: 0 });
  const rows = useMemo(
    // Marked unread: no sender is skipped, so the divider lands right before the chosen message.
    () => buildRows(messages, readSeq, props.dividerFromAnyone ? undefined : me?.id, events),
    [messages, readSeq, props.dividerFromAnyone, me?.id, events],
  );
  // The server's copy may land (over the socket) just before the outbox forgets the message.
  const waiting = useMemo(() => {
    const landed = new Set(messages.map((m) => m.clientMsgId).filter(Boolean));
    return pending.filter((p) => !landed.has(p.clientMsgId));
  }, [messages, pending]);

  // Keep the reader's place: older pages grow the list above the view, new messages below it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const firstId = rows.find((row) => row.kind === 'message' || row.kind === 'member')?.key;
    const prependedOlder = layout.current.firstId !== undefined && firstId !== layout.current.firstId;
    if (prependedOlder && !atBottom.current) el.scrollTop += el.scrollHeight - layout.current.height;
    else if (atBottom.current) el.scrollTop = el.scrollHeight;
    layout.current = { firstId, height: el.scrollHeight };
  }, [rows, pending]);

  useEffect(() => {
    if (!highlightId) return;
    document.getElementById(`message-${highlightId}`)?.scrollIntoView({ block: 'center' });
  }, [highlightId, messages.length]);

  useEffect(() => {
    const sentinel = topSentinel.current;
    if (!sentinel || !hasOlder || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loadingOlder) onLoadOlder();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasOlder, loadingOlder, onLoadOlder]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < bottomSlackPx;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      onAtBottomChange(bottom);
    }
  }

  return (
    <div
      className="message-scroller"
      ref={scroller}
      onScroll={onScroll}
      tabIndex={0}
      aria-label="Message history"
    >
      <div ref={topSentinel} className="history-top">
        {historyState === 'loading' ? (
          <p className="room-loading">Loading messages…</p>
        ) : historyState === 'failed' ? (
          <p role="alert" className="room-loading">
            Could not load messages. They load again when the connection is back.
          </p>
        ) : hasOlder ? (
          <button type="button" className="button subtle" onClick={onLoadOlder} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        ) : (
          <div className="room-intro">
            <p className="room-intro-name">{props.isDm ? props.roomName : `#${props.roomName}`}</p>
            <p className="muted">
              {props.isDm
                ? `This is the beginning of your conversation with ${props.roomName}.`
                : `This is the beginning of #${props.roomName}.`}
              {messages.length === 0 && waiting.length === 0 && ' No messages yet: say hello!'}
            </p>
          </div>
        )}
      </div>
      <ol className="message-list" role="log" aria-live="polite" aria-label={`Messages in ${props.roomName}`}>
        {rows.map((row) =>
          row.kind === 'day' ? (
            <li key={row.key} className="day-separator">
              <h2>{row.label}</h2>
            </li>
          ) : row.kind === 'new' ? (
            <li key={row.key} className="new-divider">
              <span>New messages</span>
            </li>
          ) : row.kind === 'member' ? (
            <MemberEventLine key={row.key} event={row.event} />
          ) : (
            <MessageItem
              key={row.key}
              message={row.message}
              grouped={row.grouped}
              highlighted={row.message.id === highlightId}
              myUsername={me?.username}
            />
          ),
        )}
        {waiting.map((p) => (
          <PendingItem
            key={p.clientMsgId}
            pending={p}
            myName={me?.displayName ?? 'You'}
            offline={props.offline ?? false}
            onRetry={props.onRetry}
            onDiscard={props.onDiscard}
          />
        ))}
      </ol>
    </div>
  );
}
