import { z } from 'zod';
import { Id } from './common.js';

/** The most people a group DM may hold besides its opener (2–9 people in all). */
export const dmOthersMax = 8;

export const OpenDmBody = z.object({
  userIds: z
    .array(Id)
    .min(1)
    .max(dmOthersMax)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'Name each person once.' }),
});
export type OpenDmBody = z.infer<typeof OpenDmBody>;
