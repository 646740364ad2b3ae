import { z } from 'zod';
import { Id, Seq, SeqQuery } from './common.js';
import { limits } from './limits.js';
import { Message } from './messages.js';

export const ThreadParams = z.object({ id: Id, messageId: Id });

export const ThreadQuery = z.object({
  /** Replies after this seq, oldest first (from the first reply when absent). */
  after: SeqQuery.optional(),
  limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(limits.pageSizeDefault),
});
export type ThreadQuery = z.infer<typeof ThreadQuery>;

export const ThreadPage = z.object({
  root: Message,
  /** Replies in ascending seq. */
  replies: z.array(Message),
  hasMore: z.boolean(),
  /** The caller's read marker of this thread. */
  lastReadSeq: Seq,
});
export type ThreadPage = z.infer<typeof ThreadPage>;

export const ThreadReadBody = z.object({ seq: Seq });
