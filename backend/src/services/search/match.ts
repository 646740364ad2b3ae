import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { messages } from '../../db/schema.js';

/**
 * How a term is matched (docs/search.md):
 * - 3 characters or more: anywhere in the body, case-insensitively (`ILIKE`, served by the trigram index),
 *   so a part of a word ("plo" in "deploy") and CJK text, which has no spaces between words, are found;
 * - shorter, in a script written with spaces: a whole word (the tsvector and its GIN index), since a one- or
 *   two-letter substring is in nearly every message and trigrams cannot index it;
 * - shorter, in a script written without spaces (Chinese, Japanese, Korean, Thai): anywhere, like long
 *   terms, without an index (the scan is bounded by the caller's rooms and the other filters).
 */
const minSubstringLength = 3;
const unspacedScript =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** The generated column of migration 0006; not in the drizzle schema, so selects of messages skip it. */
const searchVector = sql`${messages}.search_vector`;

export const matchesWholeWordOnly = (term: string) =>
  [...term].length < minSubstringLength && !unspacedScript.test(term);

/** Letters and digits in runs: the only text that goes into a tsquery (no operator can be injected). */
const lexemesOf = (term: string) => term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The condition one term puts on a message. */
export function termCondition(term: string): SQL {
  if (!matchesWholeWordOnly(term)) return sql`${messages.body} ilike ${likePattern(term)}`;
  const words = lexemesOf(term).map((lexeme) => `'${lexeme}'`);
  return sql`${searchVector} @@ to_tsquery('simple', ${words.join(' <-> ')})`;
}

/**
 * Relevance: how well the words match whole words and word starts (a substring inside a word scores 0,
 * and such results come newest first).
 */
export function rankOf(terms: string[]): SQL {
  const prefixes = [...new Set(terms.flatMap(lexemesOf))].map((lexeme) => `'${lexeme}':*`);
  if (prefixes.length === 0) return sql`0::real`;
  return sql`ts_rank(${searchVector}, to_tsquery('simple', ${prefixes.join(' | ')}))`;
}
