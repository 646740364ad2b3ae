import { useInfiniteQuery } from '@tanstack/react-query';
import { searchKey, searchMessages } from '../api/search';

/** Results of a search, best first; `fetchNextPage` loads the next page. Nothing is asked for an empty q. */
export function useSearch(q: string) {
  return useInfiniteQuery({
    queryKey: searchKey(q),
    queryFn: ({ pageParam, signal }) => searchMessages(q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.trim() !== '',
    // A search shows the rooms as they are now; coming back to it asks again.
    staleTime: 0,
  });
}
