import type { Message } from '@messaging-app/shared';
import { dayKey, formatDay } from '../../../utils/format';

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean };

const groupWindowMs = 5 * 60 * 1000;

/**
 * Lays out a room's messages: a separator at each new day, a "new messages" divider before the first
 * unread message from someone else, and consecutive messages of one sender within minutes grouped.
 */
export function buildRows(messages: Message[], readSeq: number | null, myUserId: string | undefined): Row[] {
  const rows: Row[] = [];
  let previous: Message | undefined;
  let dividerPlaced = readSeq === null;
  for (const message of messages) {
    let breaksGroup = false;
    if (!previous || dayKey(previous.createdAt) !== dayKey(message.createdAt)) {
      rows.push({
        kind: 'day',
        key: `day-${dayKey(message.createdAt)}`,
        label: formatDay(message.createdAt),
      });
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
  return rows;
}
