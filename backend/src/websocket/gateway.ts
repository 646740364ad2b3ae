import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CloseCode, Id } from '@messaging-app/shared';
import type { ClientFrame } from '@messaging-app/shared';
import { users } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { authenticate } from '../services/auth/sessions.js';
import { toProfile, toUser } from '../services/presenters.js';
import { problem, sendProblem } from '../plugins/errors.js';
import { Connection } from './connection.js';
import type { Identity } from './connection.js';
import { parseFrame } from './frames.js';
import { send, subscribe, typing, unsubscribe } from './handlers.js';
import type { HandlerDeps } from './handlers.js';
import { Hub } from './hub.js';
import { Authority } from './revalidate.js';
import type { HubStats } from './hub.js';
import { Boundary } from './boundary.js';
import { UserReplayBudgets } from './replay-budget.js';
import { metrics } from '../metrics/metrics.js';
import { SendBatcher } from './send-batcher.js';
import { defaultGatewayOptions } from './options.js';
import type { GatewayOptions } from './options.js';
import { originAllowed } from './origin.js';

export interface Gateway {
  /** Registers `/ws` and `/ws/:roomId`. */
  routes(server: FastifyInstance): Promise<void>;
  /**
   * The first steps of a shutdown, in order: stop reading frames (frames read and not started are
   * dropped, never acked: their clients resend them), wait for the frames being handled and for
   * the acks of sends in flight (stored or refused), then close every socket with `code`.
   */
  stop(code: number, reason?: string): Promise<void>;
  /** Closes every socket with `code` (1012 on a restart: clients reconnect elsewhere and resume). */
  closeAll(code: number, reason?: string): void;
  /** How many sockets this instance holds. */
  size(): number;
  /** What the hub holds (sockets, users, rooms, followers, queued frames, background work). */
  stats(): HubStats;
}

/** The WebSocket gateway of DESIGN §4: one per instance, fed by the bus. */
export function createGateway(ctx: AppContext, overrides: Partial<GatewayOptions> = {}): Gateway {
  const options: GatewayOptions = { ...defaultGatewayOptions, ...overrides };
  const limits = ctx.config.limits;
  const boundary = new Boundary(ctx.log);
  const hub = new Hub(ctx, options, boundary);
  const authority = new Authority(ctx, hub, options.revalidateMs ?? ctx.config.revalidateMs);
  hub.authority = authority;
  authority.start();
  const deps: HandlerDeps = {
    ctx,
    hub,
    options,
    boundary,
    typingAt: new Map(),
    sends: new SendBatcher(ctx),
    authority,
    replayBudgets: new UserReplayBudgets(limits.wsReplayPerUser),
  };
  /** Sockets not yet authenticated, per client address. */
  const unauthenticated = new Map<string, number>();
  let reading = true;

  function authenticated(connection: Connection): void {
    const left = (unauthenticated.get(connection.address) ?? 1) - 1;
    if (left > 0) unauthenticated.set(connection.address, left);
    else unauthenticated.delete(connection.address);
  }

  async function authenticateSocket(connection: Connection, token: string, roomId: string | undefined) {
    let identity: Identity;
    try {
      const caller = await authenticate(ctx, token);
      const [row] = await ctx.db.select().from(users).where(eq(users.id, caller.userId)).limit(1);
      if (!row) throw new Error('user gone');
      identity = { ...caller, profile: toProfile(row), user: toUser(row) };
    } catch (error) {
      ctx.log.debug({ err: error }, 'websocket authentication refused');
      connection.close(CloseCode.unauthorized, 'authentication failed');
      return;
    }
    if (!connection.open || connection.removed) return;
    if ([...hub.userConnections(identity.userId)].length >= limits.wsSocketsPerUser) {
      metrics.wsRefusedSockets.inc({ reason: 'per_user' });
      connection.close(
        CloseCode.policyViolation,
        `too many sockets for this user (at most ${limits.wsSocketsPerUser})`,
      );
      return;
    }
    authenticated(connection);
    connection.identity = identity;
    hub.addUser(connection, identity.userId);
    connection.send({ type: 'ready', user: identity.profile, sessionId: identity.sessionId });
    if (roomId !== undefined) await subscribe(deps, connection, identity, { type: 'subscribe', roomId });
  }

  async function handle(connection: Connection, frame: ClientFrame, identity: Identity) {
    switch (frame.type) {
      case 'auth':
        connection.error('bad_request', 'already authenticated');
        return;
      case 'ping':
        connection.send({ type: 'pong' });
        return;
      case 'subscribe':
        return await subscribe(deps, connection, identity, frame);
      case 'unsubscribe':
        return unsubscribe(deps, connection, frame);
      case 'message.send':
        return await send(deps, connection, identity, frame);
      case 'typing':
        return await typing(deps, identity, frame);
    }
  }

  /** One frame, inside the boundary: whatever it does, the socket gets an answer and the process stays up. */
  async function receive(connection: Connection, text: string, roomId: string | undefined) {
    // A turn of the event loop between frames: on the embedded store queries resolve without I/O,
    // so a socket's backlog of frames would otherwise run back to back and starve every other
    // socket and request (a burst of subscribes stalled another user's ping for seconds).
    await new Promise((resolve) => setImmediate(resolve));
    connection.queuedFrames -= 1;
    // Frames still queued when the socket began to close (its close frame was read), or when the
    // shutdown stopped reading, are dropped: nobody is left to answer, and nothing may attach it.
    if (connection.removed || !connection.open || !reading) return;
    const parsed = parseFrame(text);
    const identity = connection.identity;
    if (!identity) {
      // Until the first frame authenticates the socket, nothing else is spoken.
      if (!parsed.ok || parsed.frame.type !== 'auth') {
        connection.close(CloseCode.unauthorized, 'the first frame must be auth');
        return;
      }
      const token = parsed.frame.token;
      await boundary.run(connection, 'frame', roomId, () => authenticateSocket(connection, token, roomId));
      return;
    }
    if (!parsed.ok) {
      connection.error(parsed.code, parsed.message, parsed.ref);
      return;
    }
    const frame = parsed.frame;
    const ref = 'clientMsgId' in frame ? frame.clientMsgId : 'roomId' in frame ? frame.roomId : undefined;
    await boundary.run(connection, 'frame', ref, () => handle(connection, frame, identity));
  }

  function accept(socket: WebSocket, address: string, roomId: string | undefined) {
    const waiting = unauthenticated.get(address) ?? 0;
    if (waiting >= limits.wsUnauthenticatedPerAddress) {
      metrics.wsRefusedSockets.inc({ reason: 'unauthenticated_per_address' });
      socket.close(
        CloseCode.policyViolation,
        `too many unauthenticated sockets from this address (at most ${limits.wsUnauthenticatedPerAddress})`,
      );
      return;
    }
    unauthenticated.set(address, waiting + 1);
    const connection = new Connection(socket, options, limits, address);
    metrics.openSockets.inc();
    hub.connections.add(connection);
    const deadline = setTimeout(
      boundary.guard('timer', () => {
        if (!connection.identity) connection.close(CloseCode.unauthorized, 'authenticate within 5 s');
      }),
      options.authTimeoutMs,
    );
    socket.on(
      'close',
      boundary.guard('close', () => {
        clearTimeout(deadline);
        metrics.openSockets.dec();
        if (!connection.identity) authenticated(connection);
        hub.remove(connection);
      }),
    );
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on(
      'message',
      boundary.guard('frame', (data: RawData, isBinary: boolean) => {
        if (!reading || connection.removed) return;
        if (!connection.frames.allow()) {
          connection.close(CloseCode.policyViolation, 'too many frames');
          return;
        }
        if (isBinary) {
          connection.error('invalid_frame', 'frames are JSON text');
          return;
        }
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
        connection.queuedFrames += 1;
        connection.queue = connection.queue.then(() => receive(connection, text, roomId));
      }),
    );
  }

  const heartbeat = setInterval(
    boundary.guard('timer', () => {
      for (const connection of hub.connections) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }),
    options.heartbeatMs,
  );
  heartbeat.unref();
  const unsubscribeBus = ctx.bus.subscribe(boundary.guard('bus', (message) => hub.dispatch(message)));

  function checkOrigin(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    if (originAllowed(ctx.config, request.headers.origin, request.headers.host)) return done();
    void sendProblem(reply, problem(403, 'forbidden', 'this origin may not open a socket'));
  }

  function closeAll(code: number, reason = 'server restarting') {
    for (const connection of hub.connections) connection.close(code, reason);
  }

  return {
    async routes(server) {
      // The HTTP limiter, so a send costs the same budget over either transport.
      deps.limiter = server.limiter;
      server.addHook('onClose', async () => {
        reading = false;
        clearInterval(heartbeat);
        authority.stop();
        unsubscribeBus();
        await hub.drain();
      });
      server.get('/ws', { websocket: true, onRequest: checkOrigin }, (socket, request) =>
        accept(socket, request.ip, undefined),
      );
      server.get<{ Params: { roomId: string } }>(
        '/ws/:roomId',
        { websocket: true, onRequest: checkOrigin },
        (socket, request) => {
          const roomId = Id.safeParse(request.params.roomId);
          if (!roomId.success) {
            socket.close(CloseCode.policyViolation, 'the room id is not a UUID');
            return;
          }
          accept(socket, request.ip, roomId.data);
        },
      );
    },
    async stop(code, reason) {
      reading = false;
      // The frame each socket is handling; then replays stop at their next page (clients resume by
      // seq elsewhere) while the acks of sends in flight are awaited.
      await Promise.all([...hub.connections].map((connection) => connection.queue));
      for (const connection of hub.connections) {
        for (const roomId of [...connection.streams.keys()]) hub.detach(connection, roomId);
      }
      await boundary.drain();
      closeAll(code, reason);
    },
    closeAll,
    size: () => hub.connections.size,
    stats: () => hub.stats(),
  };
}
