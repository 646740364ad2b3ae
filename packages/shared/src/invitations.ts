import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { Room } from './rooms.js';
import { User } from './users.js';

export const InvitationStatus = z.enum(['pending', 'accepted', 'declined']);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

/** The room as its invitee may see it before joining: a card, no history. */
export const InvitationRoom = Room.pick({ id: true, name: true, description: true, visibility: true });

/**
 * A request to join a room, made when an owner or admin adds someone they share no room with: the
 * invitee accepts (and joins) or declines.
 */
export const Invitation = z.object({
  id: Id,
  room: InvitationRoom,
  inviter: User,
  invitee: User,
  status: InvitationStatus,
  createdAt: Timestamp,
  respondedAt: Timestamp.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;

export const InvitationList = z.object({ invitations: z.array(Invitation) });
export type InvitationList = z.infer<typeof InvitationList>;
