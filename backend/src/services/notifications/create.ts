import { inArray } from 'drizzle-orm';
import type { Notification } from '@messaging-app/shared';
import type { Tx } from '../../db/client.js';
import { notifications, outbox, rooms, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import { toNotification } from '../presenters.js';
import { ringOutboxDoorbell } from './outbox-doorbell.js';

export const emailTopic = 'notification.email';

type NewNotification = typeof notifications.$inferInsert;

/** A notification with its recipient: the emitter names who gets it. */
export interface Addressed {
  userId: string;
  notification: Notification;
}

const previewLength = 140;

/** A one-line excerpt of user content for lists and emails. */
export function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > previewLength ? `${flat.slice(0, previewLength - 1)}…` : flat;
}

/** Notifies `recipients` of a message that mentions them (or that they follow), in `tx`. */
export function notifyMention(
  tx: Tx,
  recipients: string[],
  message: { roomId: string; messageId: string; actorId: string; body: string; seq: number },
): Promise<Addressed[]> {
  const excerpt = preview(message.body);
  return createNotifications(
    tx,
    recipients.map((userId) => ({
      userId,
      type: 'mention' as const,
      roomId: message.roomId,
      messageId: message.messageId,
      actorId: message.actorId,
      preview: excerpt,
    })),
    { seq: message.seq },
  );
}

/**
 * Writes notifications inside the transaction of the change that caused them, with one outbox row
 * each, so the email job exists exactly when the notification does. Duplicates (same user, message
 * and type) are skipped.
 */
export async function createNotifications(
  tx: Tx,
  rows: NewNotification[],
  extra: { seq?: number | null } = {},
): Promise<Addressed[]> {
  if (rows.length === 0) return [];
  const inserted = await tx.insert(notifications).values(rows).onConflictDoNothing().returning();
  if (inserted.length === 0) return [];
  await tx
    .insert(outbox)
    .values(
      inserted.map((n) => ({ topic: emailTopic, payload: { notificationId: n.id, userId: n.userId } })),
    );
  const actorIds = [...new Set(inserted.map((n) => n.actorId).filter((id): id is string => id !== null))];
  const roomIds = [...new Set(inserted.map((n) => n.roomId).filter((id): id is string => id !== null))];
  const actors = actorIds.length ? await tx.select().from(users).where(inArray(users.id, actorIds)) : [];
  const roomRows = roomIds.length
    ? await tx.select({ id: rooms.id, name: rooms.name }).from(rooms).where(inArray(rooms.id, roomIds))
    : [];
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const roomName = new Map(roomRows.map((r) => [r.id, r.name]));
  return inserted.map((n) => ({
    userId: n.userId,
    notification: toNotification(n, n.actorId ? (actorById.get(n.actorId) ?? null) : null, {
      roomName: n.roomId ? (roomName.get(n.roomId) ?? null) : null,
      seq: extra.seq ?? null,
    }),
  }));
}

/** Pushes committed notifications to their recipients' sockets on every instance. */
export async function publishNotifications(ctx: AppContext, list: Addressed[]): Promise<void> {
  // Each committed notification wrote an outbox row: wake this process's relay.
  if (list.length > 0) ringOutboxDoorbell();
  for (const { userId, notification } of list) {
    await ctx.bus.publish({ kind: 'user.frame', userId, frame: { type: 'notification.new', notification } });
  }
}
