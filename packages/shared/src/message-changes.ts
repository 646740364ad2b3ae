import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { MessageBody } from './messages.js';

/** A message of a room, addressed in a path: `/api/rooms/:id/messages/:messageId`. */
export const RoomMessageParams = z.object({ id: Id, messageId: Id });

export const EditMessageBody = z.object({ body: MessageBody });
export type EditMessageBody = z.infer<typeof EditMessageBody>;

/** One earlier text of an edited message and when it was written (the original's is its createdAt). */
export const MessageVersion = z.object({ body: z.string(), editedAt: Timestamp });
export type MessageVersion = z.infer<typeof MessageVersion>;

/** The earlier versions of a message, oldest first; empty for a message never edited, or deleted. */
export const MessageHistory = z.object({ versions: z.array(MessageVersion) });
export type MessageHistory = z.infer<typeof MessageHistory>;
