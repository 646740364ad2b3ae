import { createContext, useContext } from 'react';

/** What a message row needs to offer its actions, provided once by the room (not passed down each row). */
export interface MessageActions {
  roomId: string;
  myUserId: string | undefined;
  /** The caller is the room's owner or an admin: they may delete anyone's message. */
  canModerate: boolean;
  /** The message being edited in place, if any. */
  editingId: string | null;
  setEditingId(id: string | null): void;
  /** Display names of the room's members, for "who reacted". */
  nameOf(userId: string): string;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

/** The actions of the room around a message row; null outside a room (lists rendered on their own). */
export function useMessageActions(): MessageActions | null {
  return useContext(MessageActionsContext);
}
