import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomEventFrame } from '@messaging-app/shared';
import { SocketClient } from './websocket';
import type { SocketClientOptions } from './websocket';
import { fakeSockets } from '../test/fakeSocket';
import { aMessage, aProfile } from '../test/factories';

const roomId = crypto.randomUUID();
const me = aProfile();

function setup(overrides: Partial<SocketClientOptions> = {}) {
  const sockets = fakeSockets();
  const options = {
    url: 'ws://test/ws',
    getToken: vi.fn(() => 'token-1'),
    refreshToken: vi.fn(async () => true),
    onSessionEnded: vi.fn(),
    fillGap: vi.fn(async (): Promise<RoomEventFrame[]> => []),
    createSocket: sockets.create,
    random: () => 0.5,
    ...overrides,
  };
  const client = new SocketClient(options);
  const frames: unknown[] = [];
  client.onFrame((frame) => frames.push(frame));
  return { client, sockets, options, frames };
}

function connect(setupResult: ReturnType<typeof setup>) {
  const socket = setupResult.sockets.last();
  socket.open();
  socket.receive({ type: 'ready', user: me, sessionId: crypto.randomUUID() });
  return socket;
}

const event = (seq: number): RoomEventFrame => ({
  type: 'message.new',
  roomId,
  seq,
  message: aMessage(roomId, seq),
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SocketClient', () => {
  it('authenticates first, then subscribes each room from the seq it was given', () => {
    const s = setup();
    s.client.subscribe(roomId, 7);
    s.client.start();
    expect(s.client.status).toBe('connecting');
    const socket = connect(s);
    expect(socket.sent[0]).toEqual({ type: 'auth', token: 'token-1' });
    expect(socket.sentOfType('subscribe')).toEqual([{ type: 'subscribe', roomId, afterSeq: 7 }]);
    expect(s.client.status).toBe('open');
  });

  it('reconnects with exponential backoff and jitter, showing "reconnecting" meanwhile', () => {
    const s = setup({ random: () => 0 });
    s.client.start();
    connect(s).drop();
    expect(s.client.status).toBe('reconnecting');
    // Equal jitter with random() = 0 gives half the ceiling: 250, 500, 1000 ms for 500 ms doubling.
    vi.advanceTimersByTime(249);
    expect(s.sockets.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.sockets.sockets).toHaveLength(2);
    s.sockets.last().drop();
    vi.advanceTimersByTime(499);
    expect(s.sockets.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(s.sockets.sockets).toHaveLength(3);
    connect(s);
    expect(s.client.status).toBe('open');
  });

  it('keeps the delay between half and all of the capped exponential ceiling', () => {
    const low = setup({ random: () => 0 }).client;
    const high = setup({ random: () => 0.999999 }).client;
    expect(low.backoffDelay(0)).toBe(250);
    expect(high.backoffDelay(0)).toBe(500);
    expect(low.backoffDelay(20)).toBe(7500);
    expect(high.backoffDelay(20)).toBe(15000);
  });

  it('resubscribes after a reconnect from the last seq it saw, and drops replayed duplicates', () => {
    const s = setup();
    s.client.subscribe(roomId, 2);
    s.client.start();
    const first = connect(s);
    first.receive({ type: 'subscribed', roomId, lastSeq: 2 });
    first.receive(event(3));
    first.receive(event(4));
    first.drop();
    vi.advanceTimersByTime(1000);
    const second = connect(s);
    expect(second.sentOfType('subscribe')).toEqual([{ type: 'subscribe', roomId, afterSeq: 4 }]);
    second.receive(event(4));
    second.receive(event(5));
    const seqs = s.frames
      .filter((f): f is RoomEventFrame => (f as RoomEventFrame).type === 'message.new')
      .map((f) => f.seq);
    expect(seqs).toEqual([3, 4, 5]);
  });

  it('asks again, from the last seq it holds and with backoff, when the server cannot start a room', () => {
    const s = setup();
    s.client.subscribe(roomId, 3);
    s.client.start();
    const socket = connect(s);
    // Part of the replay arrives, then the server fails the rest.
    socket.receive(event(4));
    socket.receive({ type: 'error', code: 'internal', message: 'replay failed', ref: roomId });
    expect(socket.sentOfType('subscribe')).toHaveLength(1);
    vi.advanceTimersByTime(s.client.backoffDelay(0));
    expect(socket.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', roomId, afterSeq: 4 });
    // It fails again: the next try waits longer.
    socket.receive({ type: 'error', code: 'internal', message: 'replay failed', ref: roomId });
    vi.advanceTimersByTime(s.client.backoffDelay(1) - 1);
    expect(socket.sentOfType('subscribe')).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(socket.sentOfType('subscribe')).toHaveLength(3);
    socket.receive({ type: 'subscribed', roomId, lastSeq: 5 });
    // Answered: a later error about the room is not about its subscription.
    socket.receive({ type: 'error', code: 'internal', message: 'something else', ref: roomId });
    vi.advanceTimersByTime(60_000);
    expect(socket.sentOfType('subscribe')).toHaveLength(3);
  });

  it("waits the server's retryAfterMs, and resubscribes a room whose live stream the server ended", () => {
    const s = setup();
    s.client.subscribe(roomId, 3);
    s.client.start();
    const socket = connect(s);
    socket.receive({ type: 'subscribed', roomId, lastSeq: 3 });
    socket.receive(event(4));
    socket.receive({
      type: 'error',
      code: 'unavailable',
      message: 'history is unavailable; subscribe again',
      ref: roomId,
      roomId,
      retryAfterMs: 5_000,
    });
    vi.advanceTimersByTime(4_999);
    expect(socket.sentOfType('subscribe')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(socket.sentOfType('subscribe').at(-1)).toEqual({ type: 'subscribe', roomId, afterSeq: 4 });
  });

  it('does not ask again when the room refuses it', () => {
    const s = setup();
    s.client.subscribe(roomId, 3);
    s.client.start();
    const socket = connect(s);
    socket.receive({ type: 'error', code: 'forbidden', message: 'not a member', ref: roomId });
    vi.advanceTimersByTime(60_000);
    expect(socket.sentOfType('subscribe')).toHaveLength(1);
  });

  it('fills a gap in seqs from the history endpoint', async () => {
    const missed = [event(4), event(5)];
    const s = setup({ fillGap: vi.fn(async () => missed) });
    s.client.subscribe(roomId, 3);
    s.client.start();
    const socket = connect(s);
    socket.receive(event(6));
    expect(s.options.fillGap).toHaveBeenCalledWith(roomId, 3);
    await vi.waitFor(() => expect(s.frames).toHaveLength(4));
    const seqs = s.frames.slice(1).map((f) => (f as RoomEventFrame).seq);
    expect(seqs.sort()).toEqual([4, 5, 6]);
    expect(s.client.seqOf(roomId)).toBe(6);
  });

  it('tries a failed gap fill again with backoff until it succeeds, and stops when the room is left', async () => {
    let down = 2;
    const fillGap = vi.fn(async (): Promise<RoomEventFrame[]> => {
      if (down > 0) {
        down -= 1;
        throw new Error('the server is away');
      }
      return [event(4), event(5)];
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = setup({ fillGap });
    s.client.subscribe(roomId, 3);
    s.client.start();
    const socket = connect(s);
    socket.receive(event(6));
    // Two refusals, each followed by a wait: the missed seqs are still asked for, from the same seq.
    await vi.waitFor(() => expect(fillGap).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(s.client.backoffDelay(0));
    await vi.waitFor(() => expect(fillGap).toHaveBeenCalledTimes(2));
    await vi.advanceTimersByTimeAsync(s.client.backoffDelay(1));
    await vi.waitFor(() => expect(s.frames).toHaveLength(4));
    expect(fillGap.mock.calls).toEqual([
      [roomId, 3],
      [roomId, 3],
      [roomId, 3],
    ]);
    expect(s.frames.slice(1).map((f) => (f as RoomEventFrame).seq)).toEqual([6, 4, 5]);
    expect(warn).toHaveBeenCalledTimes(2);

    // A room no longer followed is not fetched again.
    down = 1;
    socket.receive(event(9));
    await vi.waitFor(() => expect(fillGap).toHaveBeenCalledTimes(4));
    s.client.unsubscribe(roomId);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fillGap).toHaveBeenCalledTimes(4);
    warn.mockRestore();
  });

  it('refreshes the token when the server refuses it, then reconnects with the new one', async () => {
    let token = 'old';
    const s = setup({
      getToken: () => token,
      refreshToken: vi.fn(async () => {
        token = 'new';
        return true;
      }),
    });
    s.client.start();
    const first = s.sockets.last();
    first.open();
    first.drop(4401);
    await vi.waitFor(() => expect(s.options.refreshToken).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(1000);
    const second = s.sockets.last();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent[0]).toEqual({ type: 'auth', token: 'new' });
  });

  it('stops for good when the session is revoked', () => {
    const s = setup();
    s.client.start();
    connect(s).drop(4409);
    expect(s.options.onSessionEnded).toHaveBeenCalled();
    expect(s.client.status).toBe('stopped');
    vi.advanceTimersByTime(60_000);
    expect(s.sockets.sockets).toHaveLength(1);
  });

  it('presumes a silent connection dead and reconnects', () => {
    const s = setup({ idleTimeoutMs: 10_000 });
    s.client.start();
    const socket = connect(s);
    vi.advanceTimersByTime(10_000);
    expect(socket.closedWith).toBe(4000);
    expect(s.client.status).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    expect(s.sockets.sockets).toHaveLength(2);
  });

  it('ignores events of rooms it does not follow and forgets a room on unsubscribe', () => {
    const s = setup();
    s.client.subscribe(roomId, 0);
    s.client.start();
    const socket = connect(s);
    s.client.unsubscribe(roomId);
    expect(socket.sentOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', roomId }]);
    socket.receive(event(1));
    expect(s.frames.filter((f) => (f as RoomEventFrame).type === 'message.new')).toEqual([]);
  });
});
