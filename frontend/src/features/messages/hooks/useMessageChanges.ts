import { useQueryClient } from '@tanstack/react-query';
import type { Message } from '@messaging-app/shared';
import { upsertMessage } from '../api/cache';
import { deleteMessage, editMessage, markUnreadFrom, setReaction, unreadFrom } from '../api/changes';
import { noteMarkedUnread, noteMessageChangeInRooms } from '../../rooms/api/cache';
import { applyReaction } from '../api/reactions';

/**
 * Edit, delete, react and mark unread from a message. Each updates this tab's cache at once; the
 * socket's events bring the same change to every other tab and person (and are idempotent here).
 */
export function useMessageChanges(roomId: string, myUserId: string | undefined) {
  const queryClient = useQueryClient();
  return {
    async edit(message: Message, body: string): Promise<void> {
      const edited = await editMessage(roomId, message.id, body);
      upsertMessage(queryClient, edited);
      noteMessageChangeInRooms(queryClient, edited);
    },
    async remove(message: Message): Promise<void> {
      await deleteMessage(roomId, message.id);
    },
    async react(message: Message, emoji: string, on: boolean): Promise<void> {
      if (!myUserId) return;
      const change = { roomId, messageId: message.id, emoji, userId: myUserId };
      applyReaction(queryClient, { ...change, on });
      try {
        await setReaction(roomId, message.id, emoji, on);
      } catch (error) {
        applyReaction(queryClient, { ...change, on: !on });
        throw error;
      }
    },
    async markUnread(message: Message): Promise<void> {
      const lastReadSeq = unreadFrom(message.seq);
      await markUnreadFrom(roomId, message.seq);
      // The "new messages" divider of the open room moves here; the `room.read` frame brings the count.
      noteMarkedUnread(queryClient, roomId, lastReadSeq);
    },
  };
}
