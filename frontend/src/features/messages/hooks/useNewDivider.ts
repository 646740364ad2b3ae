import { useEffect, useRef, useState } from 'react';
import type { Message } from '@messaging-app/shared';

/**
 * Where the "new messages" divider goes: after the read marker if the room had unread messages when it
 * opened, or after the last message seen when others write while I am scrolled up or in another tab.
 * Messages that arrive while I am watching the bottom are read as they come, so they get no divider.
 */
export function useNewDivider(
  openedWith: { unreadCount: number; lastReadSeq: number },
  messages: Message[],
  atBottom: boolean,
  myUserId: string | undefined,
): number | null {
  const [dividerSeq, setDividerSeq] = useState<number | null>(
    openedWith.unreadCount > 0 ? openedWith.lastReadSeq : null,
  );
  const newest = messages.at(-1);
  const seen = useRef<number | undefined>(undefined);

  useEffect(() => {
    const before = seen.current;
    seen.current = newest?.seq;
    if (dividerSeq !== null || !newest || before === undefined || newest.seq <= before) return;
    if (newest.sender.id === myUserId) return;
    if (!atBottom || document.visibilityState !== 'visible') setDividerSeq(before);
  }, [newest, atBottom, dividerSeq, myUserId]);

  return dividerSeq;
}
