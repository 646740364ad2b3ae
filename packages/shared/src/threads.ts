import { z } from 'zod';
import { Id, Seq, SeqQuery } from './common.js';
import { limits } from './limits.js';
import { Message } from './messages.js';

export const ThreadParams = z.object({ id: Id, messageId: Id });

export const ThreadQuery = z
  .object({
    /** Replies after this seq, oldest first (from the first reply when no cursor is given). */
    after: SeqQuery.optional(),
    /** The newest replies before this seq (older pages of a long thread), still in ascending seq. */
    before: SeqQuery.optional(),
    /** The newest page of replies (where a thread opens), in ascending seq. */
    latest: z.stringbool().optional(),
    limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(limits.pageSizeDefault),
  })
  .refine((q) => q.after === undefined || (q.before === undefined && !q.latest), {
    message: 'Use either after, or before and latest, not both.',
    path: ['after'],
  });
export type ThreadQuery = z.infer<typeof ThreadQuery>;

export const ThreadPage = z.object({
  root: Message,
  /** Replies in ascending seq. */
  replies: z.array(Message),
  /** Whether the page stopped short in its direction (older replies with `before`/`latest`, newer otherwise). */
  hasMore: z.boolean(),
  /** The caller's read marker of this thread. */
  lastReadSeq: Seq,
});
export type ThreadPage = z.infer<typeof ThreadPage>;

export const ThreadReadBody = z.object({ seq: Seq });
