import type { Message, MessageHistory } from '@messaging-app/shared';
import { call } from '../../../utils/api';

/** Earlier versions of a message, fetched when someone opens them. */
export const messageHistoryKey = (roomId: string, messageId: string) =>
  ['message-history', roomId, messageId] as const;

const ref = (roomId: string, messageId: string) => ({ id: roomId, messageId });

export const editMessage = (roomId: string, messageId: string, body: string): Promise<Message> =>
  call('editMessage', { params: ref(roomId, messageId), body: { body } });
export const deleteMessage = (roomId: string, messageId: string): Promise<void> =>
  call('deleteMessage', { params: ref(roomId, messageId) });
export const fetchMessageHistory = (roomId: string, messageId: string): Promise<MessageHistory> =>
  call('messageHistory', { params: ref(roomId, messageId) });
export const setReaction = (roomId: string, messageId: string, emoji: string, on: boolean): Promise<void> =>
  call(on ? 'addReaction' : 'removeReaction', { params: { ...ref(roomId, messageId), emoji } });
/** The read marker that makes the message at `seq` the first unread one. */
export const unreadFrom = (seq: number) => Math.max(0, seq - 1);
/** Moves the read marker back to just before `seq`: that message and the ones after it are unread. */
export const markUnreadFrom = (roomId: string, seq: number): Promise<void> =>
  call('markRead', { params: { id: roomId }, body: { seq: unreadFrom(seq), unread: true } });
