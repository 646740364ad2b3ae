import { z } from 'zod';
import { Id } from './common.js';

/** Longest emoji accepted, in UTF-16 code units: a family ZWJ sequence with skin tones fits. */
export const emojiMaxLength = 32;

// Built at run time: the `v` flag (RGI_Emoji) is newer than the compile target of both sides.
const singleEmoji = new RegExp('^\\p{RGI_Emoji}$', 'v');

/** True for exactly one Unicode emoji (RGI: keycaps, flags, ZWJ sequences, skin tones), nothing else. */
export function isEmoji(value: string): boolean {
  return value.length > 0 && value.length <= emojiMaxLength && singleEmoji.test(value);
}

/** A reaction's emoji: one emoji grapheme, bounded; arbitrary text is refused. */
export const Emoji = z
  .string()
  .max(emojiMaxLength)
  .refine(isEmoji, { message: 'Must be a single emoji.' })
  .describe('one Unicode emoji');

/** One emoji on a message: how many reacted with it and who, in the order they reacted. */
export const ReactionSummary = z.object({
  emoji: z.string(),
  count: z.int().nonnegative(),
  userIds: z.array(Id),
});
export type ReactionSummary = z.infer<typeof ReactionSummary>;

export const ReactionParams = z.object({ id: Id, messageId: Id, emoji: Emoji });
