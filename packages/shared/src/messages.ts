import { z } from 'zod';
import { Id, Seq, SeqQuery, Timestamp } from './common.js';
import { limits } from './limits.js';
import { User } from './users.js';
import { ReactionSummary } from './reactions.js';

/** Replies in threads: a reply names its root; a root sums up its replies. */
const threadFields = {
  /** The root's id when this message is a thread reply. */
  threadId: Id.nullable().optional(),
  /** A reply that is shown in the room's timeline too. */
  alsoToRoom: z.boolean().optional(),
  replyCount: z.int().nonnegative().optional(),
  lastReplyAt: Timestamp.nullable().optional(),
  /** Everyone who replied in the thread, first reply first. */
  threadParticipantIds: z.array(Id).optional(),
};

export const Message = z.object({
  id: Id,
  roomId: Id,
  seq: Seq,
  sender: User,
  body: z.string(),
  clientMsgId: Id.nullable().optional(),
  createdAt: Timestamp,
  editedAt: Timestamp.nullable().optional(),
  deletedAt: Timestamp.nullable().optional(),
  /** Reactions by emoji, in the order each emoji first appeared. */
  reactions: z.array(ReactionSummary).default([]),
  ...threadFields,
});
export type Message = z.infer<typeof Message>;

export const MessageBody = z.string().trim().min(1).max(limits.messageBodyMax);

export const SendMessageBody = z.object({
  body: MessageBody,
  clientMsgId: Id.optional(),
  /** The root message's id: makes this message a reply in its thread. */
  threadId: Id.optional(),
  /** With threadId: show the reply in the room's timeline too. */
  alsoToRoom: z.boolean().optional(),
});
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const HistoryQuery = z
  .object({
    before: SeqQuery.optional(),
    after: SeqQuery.optional(),
    limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(limits.pageSizeDefault),
  })
  .refine((q) => q.before === undefined || q.after === undefined, {
    message: 'Use either before or after, not both.',
    path: ['before'],
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;
