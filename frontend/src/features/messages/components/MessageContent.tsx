import { useState } from 'react';
import type { Message } from '@messaging-app/shared';
import { MessageBody } from './MessageBody';
import { useMessageActions } from './MessageActionsContext';
import type { MessageActions } from './MessageActionsContext';
import { EditMessageForm } from './EditMessageForm';
import { Reactions } from './Reactions';
import { EmojiPicker } from './EmojiPicker';
import { MessageVersionsDialog } from './MessageVersionsDialog';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { useMessageChanges } from '../hooks/useMessageChanges';
import './message-actions.css';

/**
 * A message's body with what can be done to it: the "edited" marker (opens earlier versions), the
 * reaction chips, and a toolbar (react, edit, delete, mark unread) shown on hover or focus.
 */
export function MessageContent({
  message,
  myUsername,
}: {
  message: Message;
  myUsername?: string | undefined;
}) {
  const actions = useMessageActions();
  if (message.deletedAt) return <p className="message-body deleted">This message was deleted.</p>;
  if (!actions) {
    return (
      <>
        <MessageBody body={message.body} myUsername={myUsername} />
        {message.editedAt && <span className="muted small">(edited)</span>}
      </>
    );
  }
  return <ActionableMessage message={message} myUsername={myUsername} actions={actions} />;
}

function ActionableMessage({
  message,
  myUsername,
  actions,
}: {
  message: Message;
  myUsername: string | undefined;
  actions: MessageActions;
}) {
  const changes = useMessageChanges(actions.roomId, actions.myUserId);
  const [picking, setPicking] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const mine = message.sender.id === actions.myUserId;
  const editing = actions.editingId === message.id;
  const react = (emoji: string, on: boolean) =>
    void changes.react(message, emoji, on).catch((error: unknown) => console.warn('reaction failed', error));

  return (
    <>
      {editing ? (
        <EditMessageForm
          initial={message.body}
          onSave={(body) => changes.edit(message, body)}
          onCancel={() => actions.setEditingId(null)}
        />
      ) : (
        <MessageBody body={message.body} myUsername={myUsername} />
      )}
      {message.editedAt && !editing && (
        <button type="button" className="link-button edited-marker" onClick={() => setShowVersions(true)}>
          (edited)
        </button>
      )}
      <Reactions message={message} actions={actions} onToggle={react} />
      <div className="message-toolbar" role="toolbar" aria-label="Message actions">
        <button
          type="button"
          className="icon-button"
          aria-label="Add reaction"
          onClick={() => setPicking(true)}
        >
          ☺
        </button>
        {mine && (
          <button type="button" className="icon-button" onClick={() => actions.setEditingId(message.id)}>
            Edit
          </button>
        )}
        {(mine || actions.canModerate) && (
          <button type="button" className="icon-button" onClick={() => setDeleting(true)}>
            Delete
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          onClick={() =>
            void changes
              .markUnread(message)
              .catch((error: unknown) => console.warn('mark unread failed', error))
          }
        >
          Mark unread
        </button>
      </div>
      {picking && (
        <EmojiPicker
          onPick={(emoji) => {
            setPicking(false);
            const already = message.reactions.some(
              (r) =>
                r.emoji === emoji && actions.myUserId !== undefined && r.userIds.includes(actions.myUserId),
            );
            react(emoji, !already);
          }}
          onClose={() => setPicking(false)}
        />
      )}
      {showVersions && <MessageVersionsDialog message={message} onClose={() => setShowVersions(false)} />}
      {deleting && (
        <DeleteMessageDialog onDelete={() => changes.remove(message)} onClose={() => setDeleting(false)} />
      )}
    </>
  );
}
