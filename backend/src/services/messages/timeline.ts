import { inArray, sql } from 'drizzle-orm';
import type { User } from '@messaging-app/shared';
import type { roomEvents } from '../../db/schema.js';
import { messages, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { toUser } from '../presenters.js';

type EventRow = typeof roomEvents.$inferSelect;

/** The room's timeline holds thread replies only when they were also sent to the room. */
export const inRoomTimeline = sql`(${messages.threadId} is null or ${messages.alsoToRoom})`;

/** The users who made the membership changes among `events`, read once. */
export async function actorsOf(ctx: AppContext, events: EventRow[]): Promise<Map<string, User>> {
  const ids = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.select().from(users).where(inArray(users.id, ids));
  return new Map(rows.map((u) => [u.id, toUser(u)]));
}

/** The actor and new role of a replayed membership event, as its live frame carried them. */
export function memberDetail(
  event: EventRow,
  actors: Map<string, User>,
): { actor?: User; role?: EventRow['role'] & {} } {
  const actor = event.actorId ? actors.get(event.actorId) : undefined;
  return { ...(actor ? { actor } : {}), ...(event.role ? { role: event.role } : {}) };
}
