import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { SearchResult } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { FormError } from '../../../components/FormError';
import { formatAgo } from '../../../utils/format';
import { useRooms } from '../../rooms/hooks/useRooms';
import { roomTitle } from '../../rooms/roomTitle';
import { useSearch } from '../hooks/useSearch';
import { Highlighted } from './Highlighted';

interface RoomGroup {
  roomId: string;
  results: SearchResult[];
}

/** Results grouped by room, the rooms in the order of their best result. */
function groupByRoom(results: SearchResult[]): RoomGroup[] {
  const groups = new Map<string, RoomGroup>();
  for (const result of results) {
    const group = groups.get(result.roomId) ?? { roomId: result.roomId, results: [] };
    group.results.push(result);
    groups.set(result.roomId, group);
  }
  return [...groups.values()];
}

/** A thread reply opens at its root, which is in the room's timeline. */
const linkOf = (result: SearchResult) =>
  `/rooms/${result.roomId}?message=${result.message.threadId ?? result.message.id}`;

/** The search results page (`/search?q=`). */
export function SearchResults() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const search = useSearch(q);
  const rooms = useRooms();
  const results = useMemo(() => search.data?.pages.flatMap((page) => page.results) ?? [], [search.data]);
  const groups = useMemo(() => groupByRoom(results), [results]);
  const titleOf = (roomId: string) => {
    const room = rooms.data?.rooms.find((r) => r.id === roomId);
    return room ? roomTitle(room) : 'A room';
  };

  return (
    <section className="panel" aria-labelledby="search-title">
      <header className="panel-header">
        <Link to="/" className="back-link icon-button" aria-label="All rooms">
          ‹
        </Link>
        <h1 id="search-title">Search</h1>
      </header>
      <p className="muted small">
        Words, parts of words or phrases in quotes; narrow with <code>in:room</code>,{' '}
        <code>from:username</code>, <code>before:2026-11-29</code>, <code>after:2026-11-01</code>.
      </p>
      {q.trim() === '' ? (
        <p className="empty">Type in the search box above (Ctrl+K) and press Enter.</p>
      ) : search.isPending ? (
        <p className="muted">Searching…</p>
      ) : search.isError ? (
        <FormError message={search.error.message} />
      ) : results.length === 0 ? (
        <p className="empty">No messages match “{q}” in your rooms.</p>
      ) : (
        <>
          {groups.map((group) => (
            <section
              key={group.roomId}
              className="search-group"
              aria-label={`Results in ${titleOf(group.roomId)}`}
            >
              <h2>{titleOf(group.roomId)}</h2>
              <ul className="search-results">
                {group.results.map((result) => (
                  <li key={result.message.id}>
                    <Link to={linkOf(result)} className="search-result">
                      <Avatar user={result.message.sender} size={28} />
                      <span className="search-result-text">
                        <span className="search-result-meta">
                          <strong>{result.message.sender.displayName}</strong>{' '}
                          <time dateTime={result.message.createdAt} className="muted small">
                            {formatAgo(result.message.createdAt)}
                          </time>
                        </span>{' '}
                        <Highlighted highlight={result.highlight} />
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {search.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={search.isFetchingNextPage}
              onClick={() => void search.fetchNextPage()}
            >
              {search.isFetchingNextPage ? 'Loading…' : 'More results'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
