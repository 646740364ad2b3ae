import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { markedUnreadKey } from '../../rooms/api/rooms';
import type { Message } from '@messaging-app/shared';

/** Where the divider goes: after `seq`, before the first later message from someone else, or from anyone. */
export interface NewDivider {
  seq: number | null;
  /** Marked unread: the divider goes right before the chosen message, even one of mine. */
  fromAnyone: boolean;
}

/**
 * Where the "new messages" divider goes: after the read marker if the room had unread messages when it
 * opened, or after the last message seen when others write while I am scrolled up or in another tab.
 * Messages that arrive while I am watching the bottom are read as they come, so they get no divider.
 * "Mark unread" (here, or in another tab through `room.read`) moves it to the chosen message; a refetch
 * of the room list that happens to carry an older marker does not.
 */
export function useNewDivider(
  room: { id: string; unreadCount: number; lastReadSeq: number },
  messages: Message[],
  atBottom: boolean,
  myUserId: string | undefined,
): NewDivider {
  const [dividerSeq, setDividerSeq] = useState<number | null>(room.unreadCount > 0 ? room.lastReadSeq : null);
  const [fromAnyone, setFromAnyone] = useState(false);
  const newest = messages.at(-1);
  const seen = useRef<number | undefined>(undefined);
  const marked = useQuery<number | null>({
    queryKey: markedUnreadKey(room.id),
    queryFn: () => null,
    initialData: null,
    staleTime: Infinity,
  });
  const openedAt = useRef(Date.now());

  useEffect(() => {
    // Only a mark made while this room is open moves the divider (not one left from an earlier visit).
    if (marked.data === null || marked.dataUpdatedAt < openedAt.current) return;
    setDividerSeq(marked.data);
    setFromAnyone(true);
  }, [marked.data, marked.dataUpdatedAt]);

  useEffect(() => {
    const before = seen.current;
    seen.current = newest?.seq;
    if (dividerSeq !== null || !newest || before === undefined || newest.seq <= before) return;
    if (newest.sender.id === myUserId) return;
    if (!atBottom || document.visibilityState !== 'visible') setDividerSeq(before);
  }, [newest, atBottom, dividerSeq, myUserId]);

  return { seq: dividerSeq, fromAnyone };
}
