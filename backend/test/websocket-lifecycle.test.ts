import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@messaging-app/shared';
import { createRoom, joinRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { eventually } from './support/eventually.js';
import { listeningApp } from './support/socket-suite.js';
import { WsClient } from './support/ws-client.js';

/*
 * Issue 10 items 5 and 6: a socket's life ends cleanly. Frames still queued when it closes do not
 * attach it anywhere; a replay that fails detaches the stream and tells the client to resubscribe.
 */

const suite = listeningApp({ redisPrefix: uniqueName('wsl'), config: { frontendDist: '/nonexistent' } });
const { connect } = suite;

const settled = () => {
  const stats = suite.app.realtimeStats();
  return stats.queuedFrames === 0 && stats.tasks === 0;
};

describe('sockets closed while their frames are queued', () => {
  it('leave nothing behind: no connection, user, room follower or stream survives 100 sockets closed right after ready, with their first frames queued', async () => {
    const owner = await registerUser(suite.app.server);
    const member = await registerUser(suite.app.server);
    const rooms = [await createRoom(suite.app.server, owner), await createRoom(suite.app.server, owner)];
    for (const room of rooms) await joinRoom(suite.app.server, member, room.id);
    for (const room of rooms) await postMessage(suite.app.server, owner, room.id, 'history');
    await eventually(settled, 'the gateway to be idle');
    const before = suite.app.realtimeStats();

    for (let batch = 0; batch < 10; batch++) {
      const sockets = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          WsClient.connect(suite.url, (i % 2 === 0 ? member : owner).accessToken),
        ),
      );
      for (const [i, socket] of sockets.entries()) {
        for (let round = 0; round < 3; round++) {
          for (const room of rooms) socket.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
        }
        for (const room of rooms) socket.send({ type: 'typing', roomId: room.id });
        // Closed at once: the server reads the close while the subscribes wait in the queue.
        if (i % 3 === 0) socket.socket.terminate();
        else socket.close();
      }
      await Promise.all(sockets.map((socket) => socket.closing(20_000)));
    }

    await eventually(
      () => suite.app.realtimeStats().connections === before.connections && settled(),
      'every closed socket to be forgotten and its queued frames handled',
    );
    // Before the fix: 399 followers of the 2 rooms stayed behind for 200 such sockets.
    expect(suite.app.realtimeStats()).toEqual(before);
  }, 60_000);
});

describe('a replay that fails', () => {
  it('detaches the stream and answers unavailable with the room and a retry delay; subscribing again resumes', async () => {
    const owner = await registerUser(suite.app.server);
    const room = await createRoom(suite.app.server, owner);
    for (let i = 0; i < 5; i++) await postMessage(suite.app.server, owner, room.id, `before ${i}`);
    const socket = await connect(owner);
    await eventually(settled, 'the gateway to be idle');
    const before = suite.app.realtimeStats();

    // A real database failure, on both stores: the events table is gone while the room and its
    // memberships still answer, so the access check passes and the replay's read fails.
    await suite.app.ctx.db.execute(sql`alter table room_events rename to room_events_away`);
    try {
      socket.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
      const error = await socket.nextOf('error');
      expect(error).toMatchObject({ code: 'unavailable', ref: room.id, roomId: room.id });
      expect(error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await suite.app.ctx.db.execute(sql`alter table room_events_away rename to room_events`);
    }
    await eventually(settled, 'the failed replay to end');
    expect(suite.app.realtimeStats()).toMatchObject({ followers: before.followers, streams: before.streams });

    // Not attached: a new event of the room does not reach it, and nothing waits for it in memory.
    const missed = await postMessage(suite.app.server, owner, room.id, 'while unsubscribed');
    await socket.roundTrip();
    expect(socket.received.filter((f) => f.type !== 'error' && 'roomId' in f)).toEqual([]);

    // The client does what the frame says: subscribe again from the last seq it holds.
    socket.send({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
    const subscribed = await socket.nextOf('subscribed');
    expect(subscribed.lastSeq).toBe(missed.seq);
    const replayed = socket.received.filter(
      (f): f is Extract<ServerFrame, { seq: number }> => 'seq' in f && f.roomId === room.id,
    );
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: missed.seq }, (_, i) => i + 1));
    const live = await postMessage(suite.app.server, owner, room.id, 'live again');
    await socket.next((f) => f.type === 'message.new' && f.seq === live.seq);
  });

  it('a gap fill that fails while live also detaches the room and answers unavailable', async () => {
    const owner = await registerUser(suite.app.server);
    const room = await createRoom(suite.app.server, owner);
    const socket = await connect(owner);
    socket.send({ type: 'subscribe', roomId: room.id });
    await socket.nextOf('subscribed');
    // The bus says the room moved on (a doorbell lost meanwhile) while the events cannot be read.
    await postMessage(suite.app.server, owner, room.id, 'seen');
    await socket.nextOf('message.new');
    await suite.app.ctx.db.execute(sql`alter table room_events rename to room_events_away`);
    try {
      await suite.app.ctx.db.execute(sql`update rooms set last_seq = last_seq + 1 where id = ${room.id}`);
      await suite.app.ctx.bus.publish({ kind: 'bus.resumed' });
      const error = await socket.nextOf('error');
      expect(error).toMatchObject({ code: 'unavailable', roomId: room.id });
    } finally {
      await suite.app.ctx.db.execute(sql`update rooms set last_seq = last_seq - 1 where id = ${room.id}`);
      await suite.app.ctx.db.execute(sql`alter table room_events_away rename to room_events`);
    }
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });
});
