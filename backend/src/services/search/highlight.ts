import type { MatchRange, SearchHighlight } from '@messaging-app/shared';
import { matchesWholeWordOnly } from './match.js';

/** Bodies up to this long are shown whole; longer ones as a window around the first match. */
const snippetMax = 200;
const leadIn = 60;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(terms: string[]): RegExp {
  const alternatives = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((term) =>
      matchesWholeWordOnly(term)
        ? `(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`
        : escapeRegExp(term),
    );
  return new RegExp(alternatives.join('|'), 'giu');
}

/** Where the terms occur in `body`, case-insensitively, in order and without overlaps. */
export function matchRanges(body: string, terms: string[]): MatchRange[] {
  const ranges: MatchRange[] = [];
  for (const match of body.matchAll(patternOf(terms))) {
    if (match[0] === '') continue;
    const start = match.index;
    const end = start + match[0].length;
    const last = ranges.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else ranges.push({ start, end });
  }
  return ranges;
}

/** Moves `index` off the second half of a surrogate pair, so a cut never splits a character. */
function atCharacter(body: string, index: number): number {
  const code = body.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/** The body, or a window of it around the first match, with the matches inside it. Plain text. */
export function highlightOf(body: string, terms: string[]): SearchHighlight {
  const ranges = matchRanges(body, terms);
  if (body.length <= snippetMax) return { text: body, ranges };
  const first = ranges[0]?.start ?? 0;
  const start = atCharacter(body, Math.max(0, Math.min(first - leadIn, body.length - snippetMax)));
  const end = atCharacter(body, Math.min(body.length, start + snippetMax));
  const prefix = start > 0 ? '…' : '';
  const text = `${prefix}${body.slice(start, end)}${end < body.length ? '…' : ''}`;
  const shift = prefix.length - start;
  return {
    text,
    ranges: ranges
      .filter((r) => r.end > start && r.start < end)
      .map((r) => ({ start: Math.max(r.start, start) + shift, end: Math.min(r.end, end) + shift })),
  };
}
