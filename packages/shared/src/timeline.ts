import { z } from 'zod';
import { MemberEventFrame } from './frames.js';
import { Message } from './messages.js';

/**
 * A page of a room's timeline: its messages and its membership changes ("Ann added Bob"), each in
 * ascending seq. Together they cover one seq range; `limit` counts both, so the next older page starts
 * below the lowest seq of either list. `events` is new: clients that read only `messages` still page
 * correctly by seq (they may be sent a membership event twice, never miss a message).
 */
export const MessagePage = z.object({
  messages: z.array(Message),
  /** `member.joined`, `member.left` and `member.updated` events, shaped as their live frames. */
  events: z.array(MemberEventFrame).default([]),
  hasMore: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;
