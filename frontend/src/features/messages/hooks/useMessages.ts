import { useInfiniteQuery } from '@tanstack/react-query';
import { fetchMessages, firstSeqOf, messagesKey } from '../api/messages';

/** A room's history (messages and membership changes), newest page first fetched; older pages come with `fetchPreviousPage`. */
export function useMessages(roomId: string) {
  return useInfiniteQuery({
    queryKey: messagesKey(roomId),
    queryFn: ({ pageParam }) => fetchMessages(roomId, pageParam ?? undefined),
    initialPageParam: null as number | null,
    // Newer messages arrive over the socket, never by paging forward.
    getNextPageParam: () => undefined,
    getPreviousPageParam: (first) => (first.hasMore ? firstSeqOf(first) : undefined),
    staleTime: Infinity,
  });
}
