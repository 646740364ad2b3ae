import type { QueryClient } from '@tanstack/react-query';
import type { Message, ReactionSummary } from '@messaging-app/shared';
import type { MessagePages } from './cache';
import { messagesKey } from './messages';

/**
 * A reaction added or taken back, applied as a set operation: a message whose reactions already
 * include the change (it was fetched after it) stays as it is, so replays and retries converge.
 */
export function toggled(
  reactions: ReactionSummary[],
  emoji: string,
  userId: string,
  on: boolean,
): ReactionSummary[] {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (on) {
    if (existing?.userIds.includes(userId)) return reactions;
    if (!existing) return [...reactions, { emoji, count: 1, userIds: [userId] }];
    return reactions.map((r) =>
      r === existing ? { ...r, count: r.count + 1, userIds: [...r.userIds, userId] } : r,
    );
  }
  if (!existing?.userIds.includes(userId)) return reactions;
  const userIds = existing.userIds.filter((id) => id !== userId);
  return userIds.length === 0
    ? reactions.filter((r) => r !== existing)
    : reactions.map((r) => (r === existing ? { ...r, count: userIds.length, userIds } : r));
}

/** Applies a reaction change to the loaded history of its room (a room not loaded has nothing to change). */
export function applyReaction(
  queryClient: QueryClient,
  change: { roomId: string; messageId: string; emoji: string; userId: string; on: boolean },
): void {
  queryClient.setQueryData<MessagePages>(messagesKey(change.roomId), (data) => {
    if (!data) return data;
    const update = (m: Message): Message =>
      m.id === change.messageId && !m.deletedAt
        ? { ...m, reactions: toggled(m.reactions, change.emoji, change.userId, change.on) }
        : m;
    return {
      ...data,
      pages: data.pages.map((page) =>
        page.messages.some((m) => m.id === change.messageId)
          ? { ...page, messages: page.messages.map(update) }
          : page,
      ),
    };
  });
}
