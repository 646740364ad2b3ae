import type { ClientFrame, ErrorCode } from '@messaging-app/shared';
import { AppError } from '../services/errors.js';
import type { AppContext } from '../services/context.js';
import { loadRoomForMember } from '../services/rooms/access.js';
import type { SendBatcher } from './send-batcher.js';
import type { Authority } from './revalidate.js';
import { announceTyping } from '../services/rooms/typing.js';
import type { Connection, Identity } from './connection.js';
import type { Hub } from './hub.js';
import type { GatewayOptions } from './options.js';
import { RoomStream } from './room-stream.js';
import { limitMessageSend } from '../ratelimit/limiter.js';
import type { Limiter } from '../ratelimit/limiter.js';

export interface HandlerDeps {
  ctx: AppContext;
  hub: Hub;
  options: GatewayOptions;
  /** When each user last announced typing in each room, on this instance. */
  typingAt: Map<string, number>;
  limiter?: Limiter;
  sends: SendBatcher;
  authority?: Authority;
}

type Frame<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/**
 * The error frame for a failed room action. A room the user may not see answers `forbidden` like a
 * room they may see but not enter, so a socket cannot probe which private rooms exist.
 */
export function reportError(deps: HandlerDeps, connection: Connection, error: unknown, ref?: string): void {
  if (error instanceof AppError) {
    const code: ErrorCode = error.code === 'not_found' ? 'forbidden' : error.code;
    const message = error.code === 'not_found' ? 'not a member of this room' : error.message;
    connection.error(code, message, ref);
    return;
  }
  deps.ctx.log.error({ err: error, ref }, 'websocket frame failed');
  connection.error('internal', 'something went wrong on our side', ref);
}

/** Subscribe: follow live first, then replay from the store, then hand over (DESIGN §2). */
export async function subscribe(
  deps: HandlerDeps,
  connection: Connection,
  identity: Identity,
  frame: Frame<'subscribe'>,
) {
  const { ctx, hub } = deps;
  const stream = new RoomStream(
    frame.roomId,
    (text) => connection.sendText(text),
    (afterSeq, limit) => hub.readEvents(frame.roomId, afterSeq, limit),
    (error) => {
      ctx.log.error(
        { err: error, roomId: frame.roomId },
        'room stream failed; closing the socket so it resumes',
      );
      connection.close(1011, 'delivery failed: reconnect and resume');
    },
  );
  hub.attach(connection, stream);
  let lastSeq: number;
  try {
    ({
      room: { lastSeq },
    } = await loadRoomForMember(ctx.db, identity.userId, frame.roomId));
  } catch (error) {
    hub.detach(connection, frame.roomId);
    throw error;
  }
  if (stream.isClosed) return;
  const afterSeq = frame.afterSeq ?? lastSeq;
  if (afterSeq > lastSeq || lastSeq - afterSeq > ctx.config.eventRetention) {
    // A partial replay would look complete to the client: say so instead.
    hub.detach(connection, frame.roomId);
    connection.send({ type: 'resync_required', roomId: frame.roomId, lastSeq });
    return;
  }
  await stream.start(afterSeq, lastSeq, () =>
    connection.send({ type: 'subscribed', roomId: frame.roomId, lastSeq }),
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
  deps.sends
    .send({
      userId: identity.userId,
      sessionId: identity.sessionId,
      roomId: frame.roomId,
      body: frame.body,
      clientMsgId: frame.clientMsgId,
    })
    .then(
      ({ message }) => connection.send({ type: 'message.ack', clientMsgId: frame.clientMsgId, message }),
      (error: unknown) => {
        reportError(deps, connection, error, frame.clientMsgId);
        deps.authority?.refused(connection, frame.roomId, error);
      },
    );
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
