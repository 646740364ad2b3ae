import type { NotificationFrame, RoomEventFrame, ServerFrame } from '@messaging-app/shared';
import type { z } from 'zod';

/**
 * What travels between API instances. The bus only rings the doorbell: it may drop a message, and
 * clients recover sequenced room events from PostgreSQL by seq.
 */
export type BusMessage =
  | { kind: 'room.event'; roomId: string; frame: RoomEventFrame }
  | { kind: 'room.ephemeral'; roomId: string; frame: ServerFrame }
  | { kind: 'user.frame'; userId: string; frame: z.infer<typeof NotificationFrame> | ServerFrame }
  | { kind: 'membership.ended'; roomId: string; userId: string }
  | { kind: 'room.deleted'; roomId: string }
  | { kind: 'session.revoked'; sessionId: string; userId: string }
  /** A user came online or went offline; delivered to sockets subscribed to any of `roomIds`. */
  | { kind: 'presence'; userId: string; status: 'online' | 'offline'; roomIds: string[] }
  /**
   * Emitted locally (never published) when a bus that may have dropped messages reconnects:
   * listeners catch up from PostgreSQL, since anything published meanwhile is lost.
   */
  | { kind: 'bus.resumed' };

export type BusListener = (message: BusMessage) => void;

/** The fan-out bus between API instances: in-process by default, Redis pub/sub with REDIS_URL. */
export interface Bus {
  publish(message: BusMessage): Promise<void>;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}
