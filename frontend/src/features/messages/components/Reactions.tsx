import type { Message } from '@messaging-app/shared';
import type { MessageActions } from './MessageActionsContext';

/** A message's reaction chips: emoji and count, who reacted on hover; pressing one toggles mine. */
export function Reactions({
  message,
  actions,
  onToggle,
}: {
  message: Message;
  actions: MessageActions;
  onToggle(emoji: string, on: boolean): void;
}) {
  if (message.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {message.reactions.map((reaction) => {
        const mine = actions.myUserId !== undefined && reaction.userIds.includes(actions.myUserId);
        const who = reaction.userIds.map((id) => (id === actions.myUserId ? 'you' : actions.nameOf(id)));
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              className={mine ? 'reaction mine' : 'reaction'}
              aria-pressed={mine}
              aria-label={`${reaction.emoji} ${reaction.count}: ${who.join(', ')}`}
              title={`${who.join(', ')} reacted with ${reaction.emoji}`}
              onClick={() => onToggle(reaction.emoji, !mine)}
            >
              <span aria-hidden="true">{reaction.emoji}</span>{' '}
              <span className="reaction-count">{reaction.count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
