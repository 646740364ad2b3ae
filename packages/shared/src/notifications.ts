import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { User } from './users.js';

export const NotificationType = z.enum(['mention', 'room_invite']);
export type NotificationType = z.infer<typeof NotificationType>;

export const Notification = z.object({
  id: Id,
  type: NotificationType,
  roomId: Id.nullable(),
  roomName: z.string().nullable().optional(),
  messageId: Id.nullable(),
  /** Set on a `room_invite` that asks for consent: accept or decline it through the invitation. */
  invitationId: Id.nullable().optional(),
  /** The seq of the message, so a client can open the room at it. */
  seq: z.int().nullable().optional(),
  actor: User.nullable(),
  preview: z.string(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationsQuery = z.object({
  unread: z.stringbool().optional(),
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const NotificationPage = z.object({
  notifications: z.array(Notification),
  unreadCount: z.int(),
  hasMore: z.boolean(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;
