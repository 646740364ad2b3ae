import { z } from 'zod';
import { Id, Seq, Timestamp } from './common.js';
import { limits } from './limits.js';
import { User } from './users.js';
import { Message } from './messages.js';

export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;

export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

/** `dm`: a direct conversation of a fixed set of 2–9 people, never listed in discover. */
export const RoomKind = z.enum(['room', 'dm']);
export type RoomKind = z.infer<typeof RoomKind>;

export const Room = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  visibility: Visibility,
  kind: RoomKind.default('room'),
  /** A DM's people other than the caller: the sidebar names the conversation after them. */
  dmMembers: z.array(User).optional(),
  createdAt: Timestamp,
  lastSeq: Seq,
  memberCount: z.int().optional(),
  /** The caller's role, when the caller is a member. */
  role: Role.nullable().optional(),
});
export type Room = z.infer<typeof Room>;

/** A room in the caller's sidebar. */
export const MyRoom = Room.extend({
  role: Role,
  unreadCount: z.int(),
  /** Threads the caller follows (wrote the root or replied) with replies they have not read. */
  unreadThreads: z.int().nonnegative().optional(),
  lastReadSeq: Seq,
  lastMessage: Message.nullable(),
});
export type MyRoom = z.infer<typeof MyRoom>;

export const RoomName = z.string().trim().min(1).max(limits.roomNameMax);
export const RoomDescription = z.string().trim().max(limits.roomDescriptionMax);

export const CreateRoomBody = z.object({
  name: RoomName,
  description: RoomDescription.optional(),
  visibility: Visibility.default('public'),
});
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

export const UpdateRoomBody = z.object({
  name: RoomName.optional(),
  description: RoomDescription.optional(),
  visibility: Visibility.optional(),
});
export type UpdateRoomBody = z.infer<typeof UpdateRoomBody>;

export const DiscoverQuery = z.object({ q: z.string().trim().max(limits.roomNameMax).optional() });

export const Membership = z.object({
  roomId: Id,
  user: User,
  role: Role,
  joinedAt: Timestamp,
  lastReadSeq: Seq,
});
export type Membership = z.infer<typeof Membership>;

export const Participant = z.object({
  user: User,
  role: Role,
  joinedAt: Timestamp,
  online: z.boolean(),
});
export type Participant = z.infer<typeof Participant>;

export const AddParticipantBody = z.object({ userId: Id });
export const ParticipantParams = z.object({ id: Id, userId: Id });

/** Promote or demote a member (owner only); `owner` is not given this way. */
export const ChangeRoleBody = z.object({ role: z.enum(['admin', 'member']) });

export const ReadMarkerBody = z.object({
  seq: Seq,
  /** Move the marker back to `seq` ("mark as unread" from the message after it); forward only otherwise. */
  unread: z.boolean().optional(),
});
