import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { noteReadInRooms } from '../../rooms/api/cache';
import { markRead } from '../api/messages';

/**
 * Moves the read marker to the newest message once it has been seen: the list is scrolled to the bottom
 * and the tab is visible. A hidden tab catches up when it becomes visible again.
 */
export function useMarkRead(
  roomId: string,
  newestSeq: number | undefined,
  atBottom: boolean,
  readSeq: number,
) {
  const queryClient = useQueryClient();
  const sent = useRef(readSeq);

  useEffect(() => {
    sent.current = Math.max(sent.current, readSeq);
  }, [readSeq]);

  useEffect(() => {
    function mark() {
      if (newestSeq === undefined || !atBottom || document.visibilityState !== 'visible') return;
      if (newestSeq <= sent.current) return;
      sent.current = newestSeq;
      noteReadInRooms(queryClient, roomId, newestSeq);
      markRead(roomId, newestSeq).catch((error: unknown) => {
        // The marker stays where the server has it; the next message seen tries again.
        sent.current = readSeq;
        console.warn('could not mark the room read', error);
      });
    }
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [roomId, newestSeq, atBottom, readSeq, queryClient]);
}
