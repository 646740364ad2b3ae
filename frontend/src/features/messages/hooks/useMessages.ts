import { useInfiniteQuery } from '@tanstack/react-query';
import { fetchMessages, messagesKey } from '../api/messages';

/** A room's history, newest page first fetched; older pages come with `fetchPreviousPage`. */
export function useMessages(roomId: string) {
  return useInfiniteQuery({
    queryKey: messagesKey(roomId),
    queryFn: ({ pageParam }) => fetchMessages(roomId, pageParam ?? undefined),
    initialPageParam: null as number | null,
    // Newer messages arrive over the socket, never by paging forward.
    getNextPageParam: () => undefined,
    getPreviousPageParam: (first) => (first.hasMore && first.messages[0] ? first.messages[0].seq : undefined),
    staleTime: Infinity,
  });
}
