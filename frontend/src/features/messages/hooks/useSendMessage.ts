import { useCallback } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { uuid } from '../../../utils/uuid';
import { useAuth } from '../../auth/hooks/useAuth';
import { noteMessageInRooms } from '../../rooms/api/cache';
import { outboxKey, postMessage } from '../api/messages';
import { putPending, upsertMessage } from '../api/cache';
import type { PendingMessage } from '../api/cache';

/**
 * Optimistic send: the message shows at once as pending, is posted with its `clientMsgId` (so a retry can
 * never duplicate it), and stays visible as failed with a retry when the server cannot be reached.
 */
export function useSendMessage(roomId: string) {
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const userId = user?.id;

  const deliver = useCallback(
    async (pending: PendingMessage) => {
      putPending(queryClient, { ...pending, status: 'sending' });
      try {
        const message = await postMessage(pending.roomId, pending.body, pending.clientMsgId);
        upsertMessage(queryClient, message);
        noteMessageInRooms(queryClient, message, userId);
      } catch (error) {
        console.warn('message not sent', error);
        putPending(queryClient, { ...pending, status: 'failed' });
      }
    },
    [queryClient, userId],
  );

  const send = useCallback(
    (body: string) =>
      deliver({ clientMsgId: uuid(), roomId, body, createdAt: new Date().toISOString(), status: 'sending' }),
    [deliver, roomId],
  );

  return { send, retry: deliver };
}

/** Messages of this tab not yet confirmed, in the order they were typed. */
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
