import type { Message, Notification, Profile, Room, User } from '@messaging-app/shared';
import type { messages, notifications, rooms, users } from '../db/schema.js';

type UserRow = typeof users.$inferSelect;
type RoomRow = typeof rooms.$inferSelect;
type MessageRow = typeof messages.$inferSelect;
type NotificationRow = typeof notifications.$inferSelect;

/** The public columns of a user: what `toUser` needs, selected once everywhere. */
export type PublicUserRow = Pick<UserRow, 'id' | 'username' | 'displayName' | 'avatarUrl' | 'createdAt'>;

export const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function toUser(row: PublicUserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    avatarUrl: row.avatarUrl,
    createdAt: iso(row.createdAt),
  };
}

export function toProfile(row: UserRow): Profile {
  return { ...toUser(row), email: row.email, notificationPrefs: row.notificationPrefs };
}

export function toRoom(
  row: RoomRow,
  extra: Partial<Pick<Room, 'role' | 'memberCount' | 'dmMembers'>> = {},
): Room {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    visibility: row.visibility,
    kind: row.kind,
    createdAt: iso(row.createdAt),
    lastSeq: row.lastSeq,
    ...extra,
  };
}

/** A deleted message keeps its place in history but loses its body. */
export function toMessage(row: MessageRow, sender: PublicUserRow): Message {
  return {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    sender: toUser(sender),
    body: row.deletedAt ? '' : row.body,
    clientMsgId: row.clientMsgId,
    createdAt: iso(row.createdAt),
    editedAt: isoOrNull(row.editedAt),
    deletedAt: isoOrNull(row.deletedAt),
    // Filled in by `withReactions` where an answer shows them.
    reactions: [],
    ...threadOf(row),
  };
}

/** A reply names its root; a root with replies sums them up. */
function threadOf(row: MessageRow): Partial<Message> {
  if (row.threadId) return { threadId: row.threadId, alsoToRoom: row.alsoToRoom };
  return {
    threadId: null,
    replyCount: row.replyCount,
    lastReplyAt: isoOrNull(row.lastReplyAt),
    threadParticipantIds: row.threadParticipantIds,
  };
}

export function toNotification(
  row: NotificationRow,
  actor: PublicUserRow | null,
  extra: { roomName?: string | null; seq?: number | null } = {},
): Notification {
  return {
    id: row.id,
    type: row.type,
    roomId: row.roomId,
    roomName: extra.roomName ?? null,
    messageId: row.messageId,
    invitationId: row.invitationId,
    seq: extra.seq ?? null,
    actor: actor ? toUser(actor) : null,
    preview: row.preview,
    createdAt: iso(row.createdAt),
    readAt: isoOrNull(row.readAt),
  };
}
