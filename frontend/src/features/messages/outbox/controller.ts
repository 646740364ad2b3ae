import type { QueryClient } from '@tanstack/react-query';
import type { Message } from '@messaging-app/shared';
import { uuid } from '../../../utils/uuid';
import { noteMessageInRooms } from '../../rooms/api/cache';
import { upsertMessage, showOutbox } from '../api/cache';
import { postMessage } from '../api/messages';
import { addThreadReply, isThreadOnly } from '../../threads/api/threads';
import type { OutboxEntry, OutboxStore } from './entry';
import { OutboxFlusher } from './flusher';

export interface OutboxControllerOptions {
  userId: string;
  queryClient: QueryClient;
  /** The user's durable outbox; opened once, its failure falls back to `fallback`. */
  store: Promise<OutboxStore>;
  fallback: () => OutboxStore;
  deliver?: (entry: OutboxEntry, signal: AbortSignal) => Promise<Message>;
  leaseMs?: number;
  baseDelayMs?: number;
}

/**
 * The tab's side of the user's outbox: writes each message to durable storage before any network call,
 * mirrors the outbox into the query cache (this tab's and, over the store's change events, the other
 * tabs' messages) and runs the flusher.
 */
export class OutboxController {
  private readonly store: Promise<OutboxStore>;
  private readonly flusher: Promise<OutboxFlusher>;
  private readonly owner = uuid();
  private lastOrder = 0;
  private offChange: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: OutboxControllerOptions) {
    const { queryClient, userId } = options;
    this.store = options.store.catch((error: unknown) => {
      console.warn('no durable outbox in this browser; queued messages last until the page closes', error);
      return options.fallback();
    });
    this.flusher = this.store.then((store) => {
      const flusher = new OutboxFlusher({
        store,
        owner: this.owner,
        deliver:
          options.deliver ??
          ((entry, signal) =>
            postMessage(
              entry.roomId,
              entry.body,
              entry.clientMsgId,
              signal,
              entry.threadId
                ? { threadId: entry.threadId, alsoToRoom: entry.alsoToRoom ?? false }
                : undefined,
            )),
        onDelivered: (_entry, message) => {
          // A thread reply joins its thread; only one also sent to the room joins the timeline.
          addThreadReply(queryClient, message);
          if (isThreadOnly(message)) return;
          upsertMessage(queryClient, message);
          noteMessageInRooms(queryClient, message, userId);
        },
        leaseMs: options.leaseMs,
        baseDelayMs: options.baseDelayMs,
      });
      this.offChange = store.onChange(() => void this.show());
      void this.show();
      void flusher.flush();
      return flusher;
    });
  }

  /** Queues a message (or a thread reply) typed now: stored first, then sent when it can be. */
  async enqueue(
    roomId: string,
    body: string,
    thread?: { threadId: string; alsoToRoom: boolean },
  ): Promise<void> {
    this.lastOrder = Math.max(Date.now(), this.lastOrder + 1);
    const entry: OutboxEntry = {
      clientMsgId: uuid(),
      roomId,
      body,
      ...thread,
      createdAt: new Date().toISOString(),
      order: this.lastOrder,
      state: 'pending',
    };
    const store = await this.store;
    await store.add(entry);
    await this.flushNow();
  }

  async retry(clientMsgId: string): Promise<void> {
    await (await this.store).update(clientMsgId, { state: 'pending', error: undefined });
    await this.flushNow();
  }

  async discard(clientMsgId: string): Promise<void> {
    await (await this.store).remove(clientMsgId);
  }

  /** The server has this message (its ack or its `message.new` reached us): nothing left to send. */
  async delivered(clientMsgId: string): Promise<void> {
    await (await this.store).remove(clientMsgId);
  }

  /** Try now (the socket is back, the browser is online); no-op while another tab sends. */
  async flushNow(): Promise<void> {
    if (this.closed) return;
    await (await this.flusher).flush();
  }

  /** Lets another tab take over at once (the page is going away). */
  async releaseLease(): Promise<void> {
    await (await this.store).release(this.owner);
  }

  async close(): Promise<void> {
    this.closed = true;
    const flusher = await this.flusher;
    this.offChange?.();
    await flusher.stop();
    (await this.store).close();
  }

  private async show(): Promise<void> {
    const entries = await (await this.store).list();
    if (!this.closed) showOutbox(this.options.queryClient, entries);
  }
}
