import type { AppContext } from '../services/context.js';
import { sendMessageBatch } from '../services/messages/send-batch.js';
import type { SendMessageInput, SendResult } from '../services/messages/send-message.js';

interface Waiting {
  input: SendMessageInput;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

const maxBatch = 200;

/**
 * Group commit for socket sends: the sends of one room that arrive while its previous batch is
 * being written go into the next batch, one transaction each. Under light load a batch holds one
 * message and nothing waits; under heavy load the room's row lock and the commit are shared.
 */
export class SendBatcher {
  private readonly queues = new Map<string, Waiting[]>();
  private readonly writing = new Set<string>();

  constructor(private readonly ctx: AppContext) {}

  send(input: SendMessageInput): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(input.roomId);
      if (!queue) this.queues.set(input.roomId, (queue = []));
      queue.push({ input, resolve, reject });
      if (!this.writing.has(input.roomId)) void this.flush(input.roomId);
    });
  }

  private async flush(roomId: string): Promise<void> {
    this.writing.add(roomId);
    try {
      for (;;) {
        const queue = this.queues.get(roomId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, maxBatch);
        try {
          const outcomes = await sendMessageBatch(
            this.ctx,
            roomId,
            batch.map((w) => w.input),
          );
          outcomes.forEach((outcome, i) => {
            const waiting = batch[i] as Waiting;
            if (outcome.ok) waiting.resolve(outcome.result);
            else waiting.reject(outcome.error);
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.writing.delete(roomId);
      this.queues.delete(roomId);
    }
  }
}
