import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { outboxKey } from '../api/messages';
import type { PendingMessage } from '../api/cache';
import { useOutbox } from '../outbox/OutboxProvider';

/**
 * Sending through the outbox: a message is stored in the browser the moment it is typed, shows as
 * sending, and goes out (with its `clientMsgId`, so the server stores it once) as soon as it can.
 */
export function useSendMessage(roomId: string) {
  const outbox = useOutbox();

  const send = useCallback(
    async (body: string) => {
      if (!outbox) throw new Error('signed out: no outbox to send from');
      await outbox.enqueue(roomId, body);
    },
    [outbox, roomId],
  );
  const retry = useCallback((pending: PendingMessage) => outbox?.retry(pending.clientMsgId), [outbox]);
  const discard = useCallback((pending: PendingMessage) => outbox?.discard(pending.clientMsgId), [outbox]);

  return { send, retry, discard };
}

/** The user's messages for this room not yet confirmed, in the order they were typed. */
export function usePendingMessages(roomId: string): PendingMessage[] {
  const { data } = useQuery<PendingMessage[]>({
    queryKey: outboxKey(roomId),
    queryFn: () => [],
    initialData: [],
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return data;
}
