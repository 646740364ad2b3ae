import { mentionPattern } from '@messaging-app/shared';

export type Token =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; username: string };

// Only http(s) links: a `javascript:` or `data:` URL must never become clickable.
const linkPattern = /\bhttps?:\/\/[^\s<>"']+/gi;
const trailing = /[.,;:!?)\]}'"]+$/;

function splitMentions(text: string, into: Token[]) {
  let last = 0;
  for (const match of text.matchAll(new RegExp(mentionPattern.source, 'g'))) {
    const start = match.index;
    if (start > last) into.push({ kind: 'text', text: text.slice(last, start) });
    into.push({ kind: 'mention', text: match[0], username: (match[1] ?? '').toLowerCase() });
    last = start + match[0].length;
  }
  if (last < text.length) into.push({ kind: 'text', text: text.slice(last) });
}

/** Splits a message body into plain text, links and @mentions; the result is rendered as text nodes only. */
export function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of body.matchAll(linkPattern)) {
    const url = match[0].replace(trailing, '');
    const start = match.index;
    if (start > last) splitMentions(body.slice(last, start), tokens);
    tokens.push({ kind: 'link', text: url, href: url });
    last = start + url.length;
  }
  if (last < body.length) splitMentions(body.slice(last), tokens);
  return tokens;
}
