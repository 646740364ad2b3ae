import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { HistoryQuery, MemberEventFrame } from '@messaging-app/shared';
import { roomEvents, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { iso, toUser } from '../presenters.js';
import { actorsOf, memberDetail } from './timeline.js';

type EventRow = typeof roomEvents.$inferSelect;

/** The predicate of `room_events_membership_idx`, written as a literal so the planner can use the index. */
export const memberEventType = sql`${roomEvents.type} like 'member.%'`;
type UserRow = typeof users.$inferSelect;

/** A stored membership event as its frame: who, who did it, the new role and when. */
export function toMemberEvent(
  type: MemberEventFrame['type'],
  event: EventRow,
  subject: UserRow,
  actors: Awaited<ReturnType<typeof actorsOf>>,
): MemberEventFrame {
  return {
    type,
    roomId: event.roomId,
    seq: event.seq,
    user: toUser(subject),
    ...memberDetail(event, actors),
    createdAt: iso(event.createdAt),
  };
}

export function isMemberEventType(type: EventRow['type']): type is MemberEventFrame['type'] {
  return type === 'member.joined' || type === 'member.left' || type === 'member.updated';
}

/**
 * Up to `limit + 1` membership events of a history page's range, nearest to its starting point first
 * (newest first going back, oldest first with `after`). Read through the partial index of member events.
 */
export async function membershipEvents(
  ctx: AppContext,
  roomId: string,
  query: HistoryQuery,
): Promise<MemberEventFrame[]> {
  const forward = query.after !== undefined;
  const where = [eq(roomEvents.roomId, roomId), memberEventType];
  if (query.before !== undefined) where.push(lt(roomEvents.seq, query.before));
  if (query.after !== undefined) where.push(gt(roomEvents.seq, query.after));
  const rows = await ctx.db
    .select({ event: roomEvents, subject: users })
    .from(roomEvents)
    .innerJoin(users, eq(users.id, roomEvents.userId))
    .where(and(...where))
    .orderBy(forward ? asc(roomEvents.seq) : desc(roomEvents.seq))
    .limit(query.limit + 1);
  const actors = await actorsOf(
    ctx,
    rows.map((r) => r.event),
  );
  return rows.flatMap(({ event, subject }) =>
    isMemberEventType(event.type) ? [toMemberEvent(event.type, event, subject, actors)] : [],
  );
}
