import { SearchDate } from '@messaging-app/shared';
import type { SearchQuery } from '@messaging-app/shared';
import { badRequest } from '../errors.js';

/** What a search asks for, from `q` and the parameters together. */
export interface ParsedSearch {
  /** Words or quoted phrases; every one must be found. */
  terms: string[];
  /** Room names (`in:`), any of them. */
  roomNames: string[];
  roomId?: string;
  /** Usernames or ids (`from:`), any of them. */
  senders: string[];
  /** Sent strictly before this instant. */
  before?: Date;
  /** Sent at or after this instant. */
  after?: Date;
  /** `has:file`: only messages with attachments (none exist yet). */
  hasFile: boolean;
}

const maxTerms = 10;
/** `op:"quoted value"`, `op:value`, `"a phrase"`, or a word. */
const tokenPattern = /([A-Za-z]+):"([^"]*)"|([A-Za-z]+):(\S+)|"([^"]*)"|(\S+)/g;
const operators = new Set(['in', 'from', 'before', 'after', 'has']);
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const oneDay = 86_400_000;

/** A term is searchable when it has a letter or a digit: punctuation alone matches nearly everything. */
export const hasWordCharacter = (term: string) => /[\p{L}\p{N}]/u.test(term);

function boundOf(op: 'before' | 'after', value: string): Date {
  const parsed = SearchDate.safeParse(value);
  if (!parsed.success) {
    throw badRequest(`${op}: use a date like 2026-11-29 or an ISO 8601 time, not “${value}”`);
  }
  const at = new Date(parsed.data);
  // A day means the whole day (UTC): before it starts, or after it ends.
  return op === 'after' && dayPattern.test(parsed.data) ? new Date(at.getTime() + oneDay) : at;
}

function tighter(op: 'before' | 'after', current: Date | undefined, next: Date): Date {
  if (!current) return next;
  return op === 'before' ? (next < current ? next : current) : next > current ? next : current;
}

/** Splits `q` into words and filters and merges the parameters in; a 400 says what is wrong. */
export function parseSearch(query: SearchQuery): ParsedSearch {
  const parsed: ParsedSearch = { terms: [], roomNames: [], senders: [], hasFile: false };
  if (query.roomId) parsed.roomId = query.roomId;
  if (query.from) parsed.senders.push(query.from.replace(/^@/, ''));
  if (query.before) parsed.before = boundOf('before', query.before);
  if (query.after) parsed.after = boundOf('after', query.after);

  for (const match of query.q.matchAll(tokenPattern)) {
    const op = (match[1] ?? match[3])?.toLowerCase();
    const value = match[2] ?? match[4];
    if (op !== undefined && value !== undefined && operators.has(op)) {
      if (value.trim() === '') throw badRequest(`${op}: needs a value`);
      if (op === 'in') parsed.roomNames.push(value.trim().replace(/^#/, '').toLowerCase());
      else if (op === 'from') parsed.senders.push(value.trim().replace(/^@/, ''));
      else if (op === 'before' || op === 'after') parsed[op] = tighter(op, parsed[op], boundOf(op, value));
      else if (value.toLowerCase() === 'file') parsed.hasFile = true;
      else throw badRequest(`has: only has:file is known, not has:${value}`);
      continue;
    }
    // An unknown `word:thing` (a URL, a time) is searched as it is written.
    const term = (match[5] ?? match[0]).trim();
    if (term !== '' && hasWordCharacter(term) && !parsed.terms.includes(term)) parsed.terms.push(term);
  }
  if (parsed.terms.length === 0)
    throw badRequest('q: type a word to search for (filters alone find nothing)');
  if (parsed.terms.length > maxTerms) throw badRequest(`q: search for at most ${maxTerms} words at once`);
  return parsed;
}
