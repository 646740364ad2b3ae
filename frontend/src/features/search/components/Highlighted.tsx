import { Fragment } from 'react';
import type { SearchHighlight } from '@messaging-app/shared';

/** A snippet with its matches in `<mark>`: text nodes and elements only, never the text as HTML. */
export function Highlighted({ highlight }: { highlight: SearchHighlight }) {
  const parts: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const { start, end } of highlight.ranges) {
    if (start < at || end <= start || end > highlight.text.length) continue;
    if (start > at) parts.push({ text: highlight.text.slice(at, start), match: false });
    parts.push({ text: highlight.text.slice(start, end), match: true });
    at = end;
  }
  if (at < highlight.text.length) parts.push({ text: highlight.text.slice(at), match: false });
  return (
    <span className="search-snippet">
      {parts.map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>,
      )}
    </span>
  );
}
