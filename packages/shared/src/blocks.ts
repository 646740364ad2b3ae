import { z } from 'zod';
import { Timestamp } from './common.js';
import { User } from './users.js';

/** A user the caller blocked: their invitations, adds and direct messages never reach the caller. */
export const Block = z.object({ user: User, createdAt: Timestamp });
export type Block = z.infer<typeof Block>;

export const BlockList = z.object({ blocks: z.array(Block) });
export type BlockList = z.infer<typeof BlockList>;
