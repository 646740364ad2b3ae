import type { ClientFrame } from '@messaging-app/shared';
import type { AppContext } from '../services/context.js';
import { loadRoomForMember } from '../services/rooms/access.js';
import type { SendBatcher } from './send-batcher.js';
import type { Authority } from './revalidate.js';
import { announceTyping } from '../services/rooms/typing.js';
import type { Connection, Identity } from './connection.js';
import type { Hub } from './hub.js';
import type { GatewayOptions } from './options.js';
import { RoomStream } from './room-stream.js';
import type { EventSource } from './room-stream.js';
import { limitMessageSend } from '../ratelimit/limiter.js';
import type { Limiter } from '../ratelimit/limiter.js';
import type { Boundary } from './boundary.js';
import { ReplayBudgetSpent, grantReplay, refusedReplay } from './replay-budget.js';
import type { EventBucket, UserReplayBudgets } from './replay-budget.js';
import { metrics } from '../metrics/metrics.js';

export interface HandlerDeps {
  ctx: AppContext;
  hub: Hub;
  options: GatewayOptions;
  boundary: Boundary;
  /** When each user last announced typing in each room, on this instance. */
  typingAt: Map<string, number>;
  limiter?: Limiter;
  sends: SendBatcher;
  authority?: Authority;
  replayBudgets: UserReplayBudgets;
}

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/**
 * Subscribe: follow live first, then check access, then replay from the store and hand over
 * (DESIGN §2). The replay runs in the background, so the socket's next frames are read meanwhile
 * and a second `subscribe` to the same room supersedes (closes) this one.
 */
export async function subscribe(
  deps: HandlerDeps,
  connection: Connection,
  identity: Identity,
  frame: Frame<'subscribe'>,
) {
  const { ctx, hub } = deps;
  const roomId = frame.roomId;
  const refused =
    frame.afterSeq === undefined ? undefined : refusedReplay(replayBuckets(deps, connection, identity));
  if (refused) {
    // Told to wait and did not: no query at all. The subscription it would replace ends, as it does
    // when a replay is refused after the gate.
    hub.detach(connection, roomId);
    connection.roomError('rate_limited', refused.message, roomId, refused.retryAfterMs);
    return;
  }
  const stream: RoomStream = new RoomStream(
    roomId,
    (text) => connection.sendText(text),
    (afterSeq, limit) => hub.readEvents(roomId, afterSeq, limit, identity.userId),
    (error) => streamLost(deps, connection, stream, error),
    deps.options.replayPageSize,
  );
  // A socket that closed while this frame waited in its queue is not attached again.
  if (!hub.attach(connection, stream)) return;
  let lastSeq: number;
  try {
    ({
      room: { lastSeq },
    } = await loadRoomForMember(ctx.db, identity.userId, roomId));
  } catch (error) {
    detachStream(deps, connection, stream);
    throw error;
  }
  if (stream.isClosed) return;
  const afterSeq = frame.afterSeq ?? lastSeq;
  if (afterSeq > lastSeq || lastSeq - afterSeq > ctx.config.eventRetention) {
    // A partial replay would look complete to the client: say so instead.
    detachStream(deps, connection, stream);
    connection.send({ type: 'resync_required', roomId, lastSeq });
    return;
  }
  void deps.boundary.spawn(connection, 'replay', roomId, () =>
    replay(deps, connection, identity, stream, afterSeq, lastSeq),
  );
}

async function replay(
  deps: HandlerDeps,
  connection: Connection,
  identity: Identity,
  stream: RoomStream,
  afterSeq: number,
  lastSeq: number,
): Promise<void> {
  const { hub, options } = deps;
  const buckets = replayBuckets(deps, connection, identity);
  // Each page is paid for by the socket and its user before it is read; a short page is refunded.
  const charged: EventSource = async (after, limit) => {
    const granted = grantReplay(buckets, limit, options.replayPageSize);
    const frames = await hub.readEvents(stream.roomId, after, granted, identity.userId);
    for (const bucket of buckets) bucket.refund(granted - frames.length);
    metrics.wsReplayedEvents.inc(frames.length);
    return frames;
  };
  try {
    await stream.start(
      afterSeq,
      lastSeq,
      () => connection.send({ type: 'subscribed', roomId: stream.roomId, lastSeq }),
      charged,
    );
  } catch (error) {
    streamLost(deps, connection, stream, error);
  }
}

/** What a replay on this socket is paid from: the socket's budget and its user's. */
function replayBuckets(deps: HandlerDeps, connection: Connection, identity: Identity): EventBucket[] {
  return [connection.replayBudget, deps.replayBudgets.of(identity.userId)];
}

/** Detaches `stream` if it is still the socket's stream of its room (a newer one is left alone). */
function detachStream(deps: HandlerDeps, connection: Connection, stream: RoomStream): void {
  if (connection.streams.get(stream.roomId) === stream) deps.hub.detach(connection, stream.roomId);
  else stream.close();
}

/**
 * A replay or gap fill failed: the stream is detached (never left attached but not live, with
 * events piling up) and the client is told to subscribe again from the last seq it holds.
 */
function streamLost(deps: HandlerDeps, connection: Connection, stream: RoomStream, error: unknown): void {
  // Superseded, unsubscribed or closed meanwhile: there is nothing left to tell.
  if (stream.isClosed) return;
  detachStream(deps, connection, stream);
  const roomId = stream.roomId;
  if (error instanceof ReplayBudgetSpent) {
    connection.roomError('rate_limited', error.message, roomId, error.retryAfterMs);
    return;
  }
  deps.boundary.fail('replay', error, roomId);
  connection.roomError(
    'unavailable',
    'the room history is unavailable right now; subscribe again from your last seq',
    roomId,
    deps.options.unavailableRetryMs,
  );
}

export function unsubscribe(deps: HandlerDeps, connection: Connection, frame: Frame<'unsubscribe'>) {
  deps.hub.detach(connection, frame.roomId);
  connection.send({ type: 'unsubscribed', roomId: frame.roomId });
}

/**
 * The same service as the REST post: the ack goes to this socket, `message.new` to everyone through
 * the bus. The send is handed to the room's batcher in frame order and not awaited, so a client
 * may have several sends in flight; their seqs still follow the order it sent them in.
 */
export async function send(
  deps: HandlerDeps,
  connection: Connection,
  identity: Identity,
  frame: Frame<'message.send'>,
) {
  if (deps.limiter) await limitMessageSend(deps.limiter, identity.userId);
  const stored = deps.sends.send({
    userId: identity.userId,
    sessionId: identity.sessionId,
    roomId: frame.roomId,
    body: frame.body,
    clientMsgId: frame.clientMsgId,
    threadId: frame.threadId,
    alsoToRoom: frame.alsoToRoom,
  });
  // Acked only once stored; tracked, so a shutdown sends the acks of what it stored before closing.
  void deps.boundary.spawn(connection, 'send', frame.clientMsgId, async () => {
    try {
      const { message } = await stored;
      connection.send({ type: 'message.ack', clientMsgId: frame.clientMsgId, message });
    } catch (error) {
      deps.boundary.answer(connection, 'send', error, frame.clientMsgId);
      deps.authority?.refused(connection, frame.roomId, error);
    }
  });
}

export async function typing(deps: HandlerDeps, identity: Identity, frame: Frame<'typing'>) {
  const key = `${identity.userId}:${frame.roomId}`;
  const now = Date.now();
  const last = deps.typingAt.get(key);
  if (last !== undefined && now - last < deps.options.typingThrottleMs) return;
  deps.typingAt.set(key, now);
  if (deps.typingAt.size > 10_000) {
    for (const [k, at] of deps.typingAt)
      if (now - at >= deps.options.typingThrottleMs) deps.typingAt.delete(k);
  }
  await announceTyping(deps.ctx, identity.user, frame.roomId);
}
