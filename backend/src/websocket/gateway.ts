import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CloseCode, Id } from '@messaging-app/shared';
import { users } from '../db/schema.js';
import type { AppContext } from '../services/context.js';
import { authenticate } from '../services/auth/sessions.js';
import { toProfile, toUser } from '../services/presenters.js';
import { problem, sendProblem } from '../plugins/errors.js';
import { Connection } from './connection.js';
import type { Identity } from './connection.js';
import { parseFrame } from './frames.js';
import { reportError, send, subscribe, typing, unsubscribe } from './handlers.js';
import type { HandlerDeps } from './handlers.js';
import { Hub } from './hub.js';
import { Authority } from './revalidate.js';
import { SendBatcher } from './send-batcher.js';
import { defaultGatewayOptions } from './options.js';
import type { GatewayOptions } from './options.js';
import { originAllowed } from './origin.js';

export interface Gateway {
  /** Registers `/ws` and `/ws/:roomId`. */
  routes(server: FastifyInstance): Promise<void>;
  /** Closes every socket with `code` (1012 on a restart: clients reconnect elsewhere and resume). */
  closeAll(code: number, reason?: string): void;
  /** How many sockets this instance holds. */
  size(): number;
}

/** The WebSocket gateway of DESIGN §4: one per instance, fed by the bus. */
export function createGateway(ctx: AppContext, overrides: Partial<GatewayOptions> = {}): Gateway {
  const options: GatewayOptions = { ...defaultGatewayOptions, ...overrides };
  const hub = new Hub(ctx, options);
  const authority = new Authority(ctx, hub, options.revalidateMs ?? ctx.config.revalidateMs);
  hub.authority = authority;
  authority.start();
  const deps: HandlerDeps = {
    ctx,
    hub,
    options,
    typingAt: new Map(),
    sends: new SendBatcher(ctx),
    authority,
  };

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
    if (!connection.open) return;
    connection.identity = identity;
    hub.addUser(connection, identity.userId);
    connection.send({ type: 'ready', user: identity.profile, sessionId: identity.sessionId });
    if (roomId !== undefined) await subscribe(deps, connection, identity, { type: 'subscribe', roomId });
  }

  async function handle(connection: Connection, text: string, roomId: string | undefined) {
    const parsed = parseFrame(text);
    const identity = connection.identity;
    if (!identity) {
      // Until the first frame authenticates the socket, nothing else is spoken.
      if (!parsed.ok || parsed.frame.type !== 'auth') {
        connection.close(CloseCode.unauthorized, 'the first frame must be auth');
        return;
      }
      await authenticateSocket(connection, parsed.frame.token, roomId);
      return;
    }
    if (!parsed.ok) {
      connection.error(parsed.code, parsed.message, parsed.ref);
      return;
    }
    const frame = parsed.frame;
    try {
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
    } catch (error) {
      reportError(
        deps,
        connection,
        error,
        'clientMsgId' in frame ? frame.clientMsgId : 'roomId' in frame ? frame.roomId : undefined,
      );
    }
  }

  function accept(socket: WebSocket, roomId: string | undefined) {
    const connection = new Connection(socket, options, ctx.config.limits);
    hub.connections.add(connection);
    const deadline = setTimeout(() => {
      if (!connection.identity) connection.close(CloseCode.unauthorized, 'authenticate within 5 s');
    }, options.authTimeoutMs);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data, isBinary) => {
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
      connection.queue = connection.queue.then(() => handle(connection, text, roomId));
    });
    socket.on('close', () => {
      clearTimeout(deadline);
      hub.remove(connection);
    });
  }

  const heartbeat = setInterval(() => {
    for (const connection of hub.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();
  const unsubscribeBus = ctx.bus.subscribe((message) => hub.dispatch(message));

  function checkOrigin(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    if (originAllowed(ctx.config, request.headers.origin, request.headers.host)) return done();
    void sendProblem(reply, problem(403, 'forbidden', 'this origin may not open a socket'));
  }

  return {
    async routes(server) {
      // The HTTP limiter, so a send costs the same budget over either transport.
      deps.limiter = server.limiter;
      server.addHook('onClose', async () => {
        clearInterval(heartbeat);
        authority.stop();
        unsubscribeBus();
        await hub.drain();
      });
      server.get('/ws', { websocket: true, onRequest: checkOrigin }, (socket) => accept(socket, undefined));
      server.get<{ Params: { roomId: string } }>(
        '/ws/:roomId',
        { websocket: true, onRequest: checkOrigin },
        (socket, request) => {
          const roomId = Id.safeParse(request.params.roomId);
          if (!roomId.success) {
            socket.close(CloseCode.policyViolation, 'the room id is not a UUID');
            return;
          }
          accept(socket, roomId.data);
        },
      );
    },
    closeAll(code, reason = 'server restarting') {
      for (const connection of hub.connections) connection.close(code, reason);
    },
    size: () => hub.connections.size,
  };
}
