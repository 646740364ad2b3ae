import { z } from 'zod';
import { ErrorCode, Id, Seq, Timestamp } from './common.js';
import { Message, MessageBody } from './messages.js';
import { Notification } from './notifications.js';
import { Profile, User } from './users.js';
import { Role, Visibility } from './rooms.js';

// ---- Frames a client sends ----

export const AuthFrame = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) });
export const SubscribeFrame = z.object({
  type: z.literal('subscribe'),
  roomId: Id,
  afterSeq: Seq.optional(),
});
export const UnsubscribeFrame = z.object({ type: z.literal('unsubscribe'), roomId: Id });
export const SendFrame = z.object({
  type: z.literal('message.send'),
  roomId: Id,
  body: MessageBody,
  clientMsgId: Id,
  threadId: Id.optional(),
  alsoToRoom: z.boolean().optional(),
});
export const TypingFrame = z.object({ type: z.literal('typing'), roomId: Id });
export const PingFrame = z.object({ type: z.literal('ping') });

export const ClientFrame = z.discriminatedUnion('type', [
  AuthFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  SendFrame,
  TypingFrame,
  PingFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export const clientFrameTypes = [
  'auth',
  'subscribe',
  'unsubscribe',
  'message.send',
  'typing',
  'ping',
] as const;

// ---- Frames the server sends ----

export const ReadyFrame = z.object({ type: z.literal('ready'), user: Profile, sessionId: Id });
export const SubscribedFrame = z.object({ type: z.literal('subscribed'), roomId: Id, lastSeq: Seq });
export const UnsubscribedFrame = z.object({ type: z.literal('unsubscribed'), roomId: Id });
export const ResyncRequiredFrame = z.object({ type: z.literal('resync_required'), roomId: Id, lastSeq: Seq });
export const AckFrame = z.object({ type: z.literal('message.ack'), clientMsgId: Id, message: Message });

export const MessageEventType = z.enum(['message.new', 'message.updated', 'message.deleted']);
/** `member.updated`: a role changed (promote or demote). */
export const MemberEventType = z.enum(['member.joined', 'member.left', 'member.updated']);
export const ReactionEventType = z.enum(['reaction.added', 'reaction.removed']);
/** `room.updated`: the room's name, description or visibility changed. */
export const RoomChangeEventType = z.enum(['room.updated']);
/** Every stored room event type: each has a seq and can be replayed. */
export const RoomEventType = z.enum([
  ...MessageEventType.options,
  ...MemberEventType.options,
  ...ReactionEventType.options,
  ...RoomChangeEventType.options,
]);
export type RoomEventType = z.infer<typeof RoomEventType>;

export const MessageEventFrame = z.object({
  type: MessageEventType,
  roomId: Id,
  seq: Seq,
  message: Message,
});
export const MemberEventFrame = z.object({
  type: MemberEventType,
  roomId: Id,
  seq: Seq,
  user: User,
  /** Who made the change when it was not the member themself ("Ann added Bob"). */
  actor: User.nullable().optional(),
  /** The member's role after a `member.updated`. */
  role: Role.optional(),
  /** When the change happened. */
  createdAt: Timestamp.optional(),
});
export type MemberEventFrame = z.infer<typeof MemberEventFrame>;
/** Someone added or took back a reaction; the message objects in later answers carry the result. */
export const ReactionEventFrame = z.object({
  type: ReactionEventType,
  roomId: Id,
  seq: Seq,
  messageId: Id,
  emoji: z.string(),
  userId: Id,
});
/**
 * The room's settings changed (rename, description, visibility), by `actor`. Carries the room's current
 * settings: a replay shows the room as it is now, like a replayed message.
 */
export const RoomUpdatedFrame = z.object({
  type: RoomChangeEventType,
  roomId: Id,
  seq: Seq,
  name: z.string(),
  description: z.string(),
  visibility: Visibility,
  actor: User,
});
export type RoomUpdatedFrame = z.infer<typeof RoomUpdatedFrame>;
/** A stored, sequenced room event as it travels to clients. */
export const RoomEventFrame = z.union([
  MessageEventFrame,
  MemberEventFrame,
  ReactionEventFrame,
  RoomUpdatedFrame,
]);
export type RoomEventFrame = z.infer<typeof RoomEventFrame>;

export const TypingEventFrame = z.object({ type: z.literal('typing'), roomId: Id, user: User });
export const PresenceFrame = z.object({
  type: z.literal('presence'),
  userId: Id,
  status: z.enum(['online', 'offline']),
});
export const NotificationFrame = z.object({
  type: z.literal('notification.new'),
  notification: Notification,
});
/** Notifications of the user that became read (in another tab, or by reading the room): pushed to every socket. */
export const NotificationReadFrame = z.object({
  type: z.literal('notification.read'),
  ids: z.array(Id).min(1),
});
/**
 * The user's read marker of a room moved (read in another tab, or marked unread): pushed to every
 * socket of the user, with the unread count it leaves.
 */
export const RoomReadFrame = z.object({
  type: z.literal('room.read'),
  roomId: Id,
  lastReadSeq: Seq,
  unreadCount: z.int().nonnegative(),
});
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** The client's `clientMsgId` or `roomId` the error answers, when there is one. */
  ref: z.string().optional(),
  /**
   * Present when this socket is no longer subscribed to the room because of this error (a replay
   * that failed or was refused): no event of the room reaches the socket until it subscribes again.
   */
  roomId: Id.optional(),
  /**
   * Present when the failed frame may be retried (`unavailable`, `rate_limited`): wait this long,
   * then send it again; for a subscription, `subscribe { roomId, afterSeq: <last seq held> }`.
   */
  retryAfterMs: z.int().nonnegative().optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export const PongFrame = z.object({ type: z.literal('pong') });

export const ServerFrame = z.union([
  ReadyFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  ResyncRequiredFrame,
  AckFrame,
  MessageEventFrame,
  MemberEventFrame,
  ReactionEventFrame,
  RoomUpdatedFrame,
  TypingEventFrame,
  PresenceFrame,
  NotificationFrame,
  NotificationReadFrame,
  RoomReadFrame,
  ErrorFrame,
  PongFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** WebSocket close codes used by the server. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooLarge: 1009,
  serviceRestart: 1012,
  unauthorized: 4401,
  forbiddenOrigin: 4403,
  sessionRevoked: 4409,
} as const;
