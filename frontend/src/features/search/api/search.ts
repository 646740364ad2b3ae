import type { SearchPage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const searchKey = (q: string) => ['search', q] as const;

/** A page of message search results; the query text carries its filters (`in:`, `from:`, …). */
export const searchMessages = (q: string, cursor: string | null, signal?: AbortSignal): Promise<SearchPage> =>
  call('searchMessages', { query: { q, cursor: cursor ?? undefined }, signal });
