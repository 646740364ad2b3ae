import { badRequest } from '../errors.js';

/**
 * Where a page ended: the last result's rank and creation time as PostgreSQL wrote them (text, so a float4
 * rank and a microsecond timestamp come back exactly) and its id. Opaque to clients.
 */
export interface SearchCursor {
  rank: string;
  at: string;
  id: string;
}

const rankPattern = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;
const atPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.at, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): SearchCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor: not a cursor of a search; use the nextCursor of the previous page');
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    rankPattern.test(value[0]) &&
    atPattern.test(value[1]) &&
    idPattern.test(value[2])
  ) {
    return { rank: value[0], at: value[1], id: value[2] };
  }
  throw badRequest('cursor: not a cursor of a search; use the nextCursor of the previous page');
}
