import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { SearchPage, SearchQuery } from '@messaging-app/shared';
import { messages, roomParticipants, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { toMessage } from '../presenters.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { highlightOf } from './highlight.js';
import { rankOf, termCondition } from './match.js';
import { parseSearch } from './parse-query.js';
import type { ParsedSearch } from './parse-query.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's rooms, narrowed by `roomId` and `in:` names: membership is checked here, in the query. */
function roomCondition(caller: Caller, search: ParsedSearch): SQL {
  const mine = [eq(roomParticipants.userId, caller.userId)];
  if (search.roomId) mine.push(eq(roomParticipants.roomId, search.roomId));
  if (search.roomNames.length > 0) {
    mine.push(
      inArray(
        roomParticipants.roomId,
        sql`(select ${rooms.id} from ${rooms} where lower(${rooms.name}) in (${sql.join(
          search.roomNames.map((name) => sql`${name}`),
          sql`, `,
        )}))`,
      ),
    );
  }
  // An array computed once, not a semi-join: the planner guesses a few memberships, and a nested loop over
  // them repeats the trigram index scan once per room (measured: 50 rooms, 1M messages, 4.4 s instead of 0.3 s).
  return sql`${messages.roomId} = any(array(select ${roomParticipants.roomId} from ${roomParticipants} where ${and(...mine)}))`;
}

function senderCondition(senders: string[]): SQL {
  const ids = senders.filter((s) => uuidPattern.test(s));
  const names = senders.map((s) => s.toLowerCase());
  const byName = sql`(select ${users.id} from ${users} where lower(${users.username}) in (${sql.join(
    names.map((name) => sql`${name}`),
    sql`, `,
  )}))`;
  return ids.length > 0
    ? (or(inArray(messages.senderId, ids), inArray(messages.senderId, byName)) as SQL)
    : inArray(messages.senderId, byName);
}

const createdAtText = sql<string>`to_char(${messages.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Messages of the caller's current rooms that contain every term, never deleted ones: best match first,
 * then newest, a page at a time.
 */
export async function searchMessages(
  ctx: AppContext,
  caller: Caller,
  query: SearchQuery,
): Promise<SearchPage> {
  const search = parseSearch(query);
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  // No message has attachments until uploads exist: `has:file` finds nothing, as it should.
  if (search.hasFile) return { results: [], nextCursor: null };

  const rank = rankOf(search.terms);
  const where: SQL[] = [roomCondition(caller, search), isNull(messages.deletedAt)];
  for (const term of search.terms) where.push(termCondition(term));
  if (search.senders.length > 0) where.push(senderCondition(search.senders));
  if (search.before) where.push(lt(messages.createdAt, search.before));
  if (search.after) where.push(gte(messages.createdAt, search.after));
  if (cursor) {
    where.push(
      sql`(${rank}, ${messages.createdAt}, ${messages.id}) < (${cursor.rank}::real, ${cursor.at}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await ctx.db
    .select({ message: messages, sender: users, rank: sql<string>`(${rank})::text`, at: createdAtText })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.senderId))
    .where(and(...where))
    .orderBy(desc(rank), desc(messages.createdAt), desc(messages.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    results: page.map((row) => ({
      message: toMessage(row.message, row.sender),
      roomId: row.message.roomId,
      highlight: highlightOf(row.message.body, search.terms),
    })),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ rank: last.rank, at: last.at, id: last.message.id })
        : null,
  };
}
