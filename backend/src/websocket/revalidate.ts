import { and, inArray } from 'drizzle-orm';
import { CloseCode } from '@messaging-app/shared';
import { roomParticipants } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { liveSessions } from '../services/auth/sessions.js';
import type { Connection } from './connection.js';
import type { Hub } from './hub.js';
import type { RoomStream } from './room-stream.js';

/** Ids per query: keeps each `in (...)` list of a large instance to a sensible size. */
const chunkSize = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/**
 * Authority that cannot be dropped. A kick or a logout reaches open sockets through a bus message,
 * and the bus may drop it; so every socket's session and the memberships behind its room streams
 * are also re-read from the database: when the bus resumes after an outage (before the rooms catch
 * up), every `intervalMs` (the bound on how long a dropped message can keep access alive), and on
 * every send (in the send's own transaction, see `sendMessageBatch`). A revoked or expired session's
 * sockets are closed with 4409; a room the user no longer belongs to (or that is gone) is detached
 * with `unsubscribed`, as the lost message would have done.
 */
export class Authority {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly hub: Hub,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.hub.track(() => this.revalidate()), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Re-reads every socket's session and memberships; one pass at a time, a caller joins the running one. */
  revalidate(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    // What is checked is fixed before the queries: a socket authenticated or a room subscribed after
    // them was checked by its own gate, and is not undone by this pass's older answer.
    const checked: { connection: Connection; sessionId: string; userId: string; streams: RoomStream[] }[] =
      [];
    for (const connection of this.hub.connections) {
      if (!connection.identity) continue;
      const { sessionId, userId } = connection.identity;
      checked.push({ connection, sessionId, userId, streams: [...connection.streams.values()] });
    }
    if (checked.length === 0) return;

    const sessionIds = [...new Set(checked.map((c) => c.sessionId))];
    const live = new Set<string>();
    for (const ids of chunks(sessionIds)) for (const id of await liveSessions(this.ctx.db, ids)) live.add(id);

    const followed = checked.filter((c) => live.has(c.sessionId) && c.streams.length > 0);
    const roomIds = [...new Set(followed.flatMap((c) => c.streams.map((s) => s.roomId)))];
    const userIds = [...new Set(followed.map((c) => c.userId))];
    const members = new Set<string>();
    // Read from the database itself, never the membership cache: the cache is what a lost
    // invalidation would leave stale.
    for (const rooms of chunks(roomIds)) {
      for (const users of chunks(userIds)) {
        const rows = await this.ctx.db
          .select({ roomId: roomParticipants.roomId, userId: roomParticipants.userId })
          .from(roomParticipants)
          .where(and(inArray(roomParticipants.roomId, rooms), inArray(roomParticipants.userId, users)));
        for (const row of rows) members.add(`${row.roomId}:${row.userId}`);
      }
    }

    for (const { connection, sessionId, userId, streams } of checked) {
      if (!live.has(sessionId)) {
        connection.close(CloseCode.sessionRevoked, 'session revoked');
        continue;
      }
      for (const stream of streams) {
        if (members.has(`${stream.roomId}:${userId}`)) continue;
        // Only the stream that was checked: a newer subscribe of the room passed its own gate.
        if (connection.streams.get(stream.roomId) !== stream) continue;
        this.hub.detach(connection, stream.roomId);
        connection.send({ type: 'unsubscribed', roomId: stream.roomId });
      }
    }
  }

  /**
   * A socket's send was refused: when it was refused for a revoked session, or because the user is
   * no longer in the room, the socket loses what the lost bus message would have taken away.
   */
  refused(connection: Connection, roomId: string, error: unknown): void {
    if (!(error instanceof AppError)) return;
    if (error.code === 'session_revoked') {
      connection.close(CloseCode.sessionRevoked, 'session revoked');
    } else if (error.code === 'forbidden' || error.code === 'not_found') {
      if (this.hub.detach(connection, roomId)) connection.send({ type: 'unsubscribed', roomId });
    }
  }
}
