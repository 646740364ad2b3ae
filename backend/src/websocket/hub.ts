import { inArray } from 'drizzle-orm';
import { CloseCode } from '@messaging-app/shared';
import type { BusMessage } from '../bus/messages.js';
import { rooms } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { announcePresence } from '../services/presence/announce-presence.js';
import { eventsAfter } from '../services/messages/history.js';
import type { RoomEventFrame } from '@messaging-app/shared';
import type { Connection } from './connection.js';
import type { RoomStream } from './room-stream.js';
import type { GatewayOptions } from './options.js';
import type { Boundary, Entry } from './boundary.js';
import { observeFanoutLag } from '../metrics/metrics.js';
import { ReplayTurns } from './replay-turns.js';

/** What the hub holds, for tests and leak hunting. */
export interface HubStats {
  connections: number;
  users: number;
  rooms: number;
  /** Sockets following a room, summed over rooms. */
  followers: number;
  /** Room streams held by sockets. */
  streams: number;
  /** Frames read and not handled yet. */
  queuedFrames: number;
  /** Background work still running (replays, acks, presence). */
  tasks: number;
}

/**
 * This instance's sockets, indexed by user and by room, and the dispatch of bus messages to them.
 * Each room event is serialised once here and the same string goes to every socket.
 */
export class Hub {
  readonly connections = new Set<Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byRoom = new Map<string, Set<Connection>>();
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  private readonly reads = new Map<string, Promise<RoomEventFrame[]>>();
  private readonly turns: ReplayTurns;
  /** Re-reads sessions and memberships from the store (see revalidate.ts); set by the gateway. */
  authority: { revalidate(): Promise<void> } | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: GatewayOptions,
    private readonly boundary: Boundary,
  ) {
    this.turns = new ReplayTurns(options.replayConcurrency ?? (ctx.config.databaseUrl ? 4 : 1));
  }

  /** An authenticated socket joins the instance; announces the user online if they were not. */
  addUser(connection: Connection, userId: string): void {
    if (connection.removed) return;
    let own = this.byUser.get(userId);
    if (!own) this.byUser.set(userId, (own = new Set()));
    own.add(connection);
    const pendingOffline = this.offlineTimers.get(userId);
    if (pendingOffline) clearTimeout(pendingOffline);
    this.offlineTimers.delete(userId);
    const first = own.size === 1 && !pendingOffline;
    // Both questions leave now, in this order, on one connection: a close of this socket that comes
    // next removes its presence entry after this adds it, never before.
    const wasOnline = first ? this.ctx.presence.online([userId]) : undefined;
    const announced = this.ctx.presence.connected(userId, connection.id);
    this.track(async () => {
      const [before] = await Promise.all([wasOnline, announced]);
      if (before && !before.has(userId)) await announcePresence(this.ctx, userId, 'online');
    });
  }

  /** A socket closed: forget it, and after the grace period announce its user offline if no socket is left anywhere. */
  remove(connection: Connection): void {
    if (connection.removed) return;
    connection.removed = true;
    this.connections.delete(connection);
    for (const roomId of connection.streams.keys()) this.detach(connection, roomId);
    const userId = connection.identity?.userId;
    if (!userId) return;
    const own = this.byUser.get(userId);
    own?.delete(connection);
    const last = own !== undefined && own.size === 0;
    if (last) this.byUser.delete(userId);
    const gone = this.ctx.presence.disconnected(userId, connection.id);
    this.track(async () => {
      await gone;
      // At shutdown nobody is announced offline: the pools are closing and presence claims expire.
      if (!last || this.stopping) return;
      const timer = setTimeout(() => {
        this.offlineTimers.delete(userId);
        this.track(async () => {
          if (this.byUser.has(userId)) return;
          if ((await this.ctx.presence.online([userId])).has(userId)) return;
          await announcePresence(this.ctx, userId, 'offline');
        });
      }, this.options.presenceGraceMs);
      // A pending announcement never keeps a stopping process alive.
      timer.unref();
      this.offlineTimers.set(userId, timer);
    });
  }

  /** Makes `connection` follow a room; false for a socket that has already closed. */
  attach(connection: Connection, stream: RoomStream): boolean {
    if (connection.removed) return false;
    this.detach(connection, stream.roomId);
    connection.streams.set(stream.roomId, stream);
    let followers = this.byRoom.get(stream.roomId);
    if (!followers) this.byRoom.set(stream.roomId, (followers = new Set()));
    followers.add(connection);
    return true;
  }

  detach(connection: Connection, roomId: string): boolean {
    const stream = connection.streams.get(roomId);
    if (!stream) return false;
    stream.close();
    connection.streams.delete(roomId);
    const followers = this.byRoom.get(roomId);
    followers?.delete(connection);
    if (followers?.size === 0) this.byRoom.delete(roomId);
    return true;
  }

  /**
   * Stored events of a room after a seq, read in `userId`'s turn (replay-turns.ts). Sockets of one
   * room that fall behind together (a lost doorbell, a bus outage) ask the same question at once:
   * it is asked of the database once, in the turn of the first who asked.
   */
  readEvents(roomId: string, afterSeq: number, limit: number, userId: string): Promise<RoomEventFrame[]> {
    const key = `${roomId}:${afterSeq}:${limit}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.turns
        .run(userId, () => eventsAfter(this.ctx, roomId, afterSeq, limit))
        .finally(() => this.reads.delete(key));
      this.reads.set(key, read);
    }
    return read;
  }

  userConnections(userId: string): Iterable<Connection> {
    return this.byUser.get(userId) ?? [];
  }

  /** Routes one bus message to the sockets it concerns. */
  dispatch(message: BusMessage): void {
    switch (message.kind) {
      case 'room.event': {
        const followers = this.byRoom.get(message.roomId);
        if (!followers) return;
        // Serialised and encoded once, then the same bytes go to every socket.
        const text = Buffer.from(JSON.stringify(message.frame));
        for (const connection of followers)
          connection.streams.get(message.roomId)?.offer(message.frame.seq, text);
        if ('message' in message.frame) {
          const { editedAt, deletedAt, createdAt } = message.frame.message;
          observeFanoutLag(deletedAt ?? editedAt ?? createdAt);
        }
        return;
      }
      case 'room.ephemeral': {
        const followers = this.byRoom.get(message.roomId);
        if (!followers) return;
        const text = JSON.stringify(message.frame);
        const from = message.frame.type === 'typing' ? message.frame.user.id : undefined;
        for (const connection of followers) {
          if (connection.identity?.userId !== from) connection.sendText(text);
        }
        return;
      }
      case 'presence': {
        const text = JSON.stringify({ type: 'presence', userId: message.userId, status: message.status });
        const reached = new Set<Connection>();
        for (const roomId of message.roomIds) {
          for (const connection of this.byRoom.get(roomId) ?? []) reached.add(connection);
        }
        for (const connection of reached) connection.sendText(text);
        return;
      }
      case 'user.frame': {
        const text = JSON.stringify(message.frame);
        for (const connection of this.userConnections(message.userId)) connection.sendText(text);
        return;
      }
      case 'membership.ended': {
        for (const connection of this.userConnections(message.userId)) {
          if (this.detach(connection, message.roomId))
            connection.send({ type: 'unsubscribed', roomId: message.roomId });
        }
        return;
      }
      case 'room.deleted': {
        for (const connection of [...(this.byRoom.get(message.roomId) ?? [])]) {
          this.detach(connection, message.roomId);
          connection.send({ type: 'unsubscribed', roomId: message.roomId });
        }
        return;
      }
      case 'session.revoked': {
        for (const connection of [...this.userConnections(message.userId)]) {
          if (connection.identity?.sessionId === message.sessionId) {
            connection.close(CloseCode.sessionRevoked, 'session revoked');
          }
        }
        return;
      }
      case 'bus.resumed':
        // Memberships and sessions first (a kick or logout may have been lost with the rest), then
        // the rooms still followed catch up.
        this.track(async () => {
          try {
            await this.authority?.revalidate();
          } finally {
            await this.catchUpAll();
          }
        }, 'bus');
        return;
    }
  }

  /** After a bus outage: every followed room catches up to its stored last seq. */
  private async catchUpAll(): Promise<void> {
    const roomIds = [...this.byRoom.keys()];
    if (roomIds.length === 0) return;
    const rows = await this.ctx.db
      .select({ id: rooms.id, lastSeq: rooms.lastSeq })
      .from(rooms)
      .where(inArray(rooms.id, roomIds));
    for (const row of rows) {
      for (const connection of this.byRoom.get(row.id) ?? [])
        connection.streams.get(row.id)?.catchUp(row.lastSeq);
    }
  }

  /** Runs background work (presence, catch-up) through the gateway's boundary; `drain` awaits it. */
  track(work: () => Promise<void>, entry: Entry = 'presence'): void {
    void this.boundary.spawn(undefined, entry, undefined, work);
  }

  /** Shutdown: no more offline announcements; waits for the background work left. */
  async drain(): Promise<void> {
    this.stopping = true;
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
    this.offlineTimers.clear();
    await this.boundary.drain();
  }

  stats(): HubStats {
    let followers = 0;
    for (const set of this.byRoom.values()) followers += set.size;
    let streams = 0;
    let queuedFrames = 0;
    for (const connection of this.connections) {
      streams += connection.streams.size;
      queuedFrames += connection.queuedFrames;
    }
    return {
      connections: this.connections.size,
      users: this.byUser.size,
      rooms: this.byRoom.size,
      followers,
      streams,
      queuedFrames,
      tasks: this.boundary.pending,
    };
  }
}
