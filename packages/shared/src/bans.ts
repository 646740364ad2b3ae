import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { User } from './users.js';

/** A user banned from a room: removed, and refused on join, add and invitation until unbanned. */
export const Ban = z.object({
  roomId: Id,
  user: User,
  bannedBy: User.nullable(),
  createdAt: Timestamp,
});
export type Ban = z.infer<typeof Ban>;

export const BanBody = z.object({ userId: Id });
export const BanParams = z.object({ id: Id, userId: Id });

export const BanList = z.object({ bans: z.array(Ban) });
export type BanList = z.infer<typeof BanList>;
