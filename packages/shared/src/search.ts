import { z } from 'zod';
import { Id, Limit } from './common.js';
import { limits } from './limits.js';
import { Message } from './messages.js';

/** A day (`2026-11-29`, UTC) or an instant (ISO 8601 with an offset): the bounds of a search. */
export const SearchDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/**
 * `GET /api/search`: `q` holds the words and may hold filters too (`in:room`, `from:user`,
 * `before:2026-11-29`, `after:…`, `has:file`); the parameters say the same for a client with its own controls.
 */
export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(limits.searchQueryMax),
  /** Only this room. */
  roomId: Id.optional(),
  /** Only messages by this user: a username or an id. */
  from: z
    .string()
    .trim()
    .min(1)
    .max(limits.usernameMax + 4)
    .optional(),
  /** Only messages sent before this day starts, or before this instant. */
  before: SearchDate.optional(),
  /** Only messages sent after this day ends, or after this instant. */
  after: SearchDate.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(500).optional(),
  limit: Limit(limits.searchPageMax, limits.searchPageDefault),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** Where the words were found, in UTF-16 code units of `text` (`text.slice(start, end)`). */
export const MatchRange = z.object({ start: z.int().nonnegative(), end: z.int().nonnegative() });
export type MatchRange = z.infer<typeof MatchRange>;

/**
 * A piece of the message around its first match, plain text: the client marks up `ranges` itself
 * (never as HTML). `text` starts with `…` when it does not start the body, ends with one when cut.
 */
export const SearchHighlight = z.object({ text: z.string(), ranges: z.array(MatchRange) });
export type SearchHighlight = z.infer<typeof SearchHighlight>;

export const SearchResult = z.object({
  message: Message,
  roomId: Id,
  highlight: SearchHighlight,
});
export type SearchResult = z.infer<typeof SearchResult>;

/** Best match first, then newest first; `nextCursor` is null on the last page. */
export const SearchPage = z.object({
  results: z.array(SearchResult),
  nextCursor: z.string().nullable(),
});
export type SearchPage = z.infer<typeof SearchPage>;
