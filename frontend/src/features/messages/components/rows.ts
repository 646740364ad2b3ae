import type { MemberEventFrame, Message } from '@messaging-app/shared';
import { dayKey, formatDay } from '../../../utils/format';

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean }
  | { kind: 'member'; key: string; event: MemberEventFrame };

const groupWindowMs = 5 * 60 * 1000;

/**
 * Lays out a room's messages and membership changes in seq order: a separator at each new day, a "new
 * messages" divider before the first unread message from someone else, and consecutive messages of one
 * sender within minutes grouped (a membership line between them breaks the group).
 */
export function buildRows(
  messages: Message[],
  readSeq: number | null,
  myUserId: string | undefined,
  events: MemberEventFrame[] = [],
): Row[] {
  const rows: Row[] = [];
  let previous: Message | undefined;
  let lastDay: string | undefined;
  let dividerPlaced = readSeq === null;
  const pending = [...events].sort((a, b) => a.seq - b.seq);
  let next = 0;
  const placeEventsBefore = (seq: number) => {
    for (let event = pending[next]; event && event.seq < seq; event = pending[next]) {
      if (event.createdAt && dayKey(event.createdAt) !== lastDay) {
        lastDay = dayKey(event.createdAt);
        rows.push({ kind: 'day', key: `day-${lastDay}`, label: formatDay(event.createdAt) });
      }
      rows.push({ kind: 'member', key: `member-${event.seq}`, event });
      previous = undefined;
      next += 1;
    }
  };
  for (const message of messages) {
    placeEventsBefore(message.seq);
    let breaksGroup = false;
    if (lastDay !== dayKey(message.createdAt)) {
      lastDay = dayKey(message.createdAt);
      rows.push({ kind: 'day', key: `day-${lastDay}`, label: formatDay(message.createdAt) });
      breaksGroup = true;
    }
    if (!dividerPlaced && readSeq !== null && message.seq > readSeq && message.sender.id !== myUserId) {
      rows.push({ kind: 'new', key: 'new-divider' });
      dividerPlaced = true;
      breaksGroup = true;
    }
    const grouped =
      !breaksGroup &&
      previous !== undefined &&
      previous.sender.id === message.sender.id &&
      !previous.deletedAt &&
      new Date(message.createdAt).getTime() - new Date(previous.createdAt).getTime() < groupWindowMs;
    rows.push({ kind: 'message', key: message.id, message, grouped });
    previous = message;
  }
  placeEventsBefore(Infinity);
  return rows;
}
