import { z } from 'zod';
import { ClientFrame, CloseCode, ServerFrame } from '@messaging-app/shared';

/**
 * The AsyncAPI 3 document of the WebSocket protocol, generated from the zod frame unions of the shared
 * package (`ClientFrame`, `ServerFrame`) each time it is asked for: a frame added to either union appears
 * here with no other change. The application described is the server: it receives client frames and
 * sends server frames.
 */

/** One line per frame the protocol documents; a frame added without an entry still gets a summary. */
const summaries: Record<string, string> = {
  'client:auth': 'First frame on a new socket: authenticate with an access token within 5 s.',
  'client:subscribe': 'Follow a room; with afterSeq, first replay every event after it.',
  'client:unsubscribe': 'Stop following a room.',
  'client:message.send': 'Post a message; idempotent by clientMsgId.',
  'client:typing': 'Tell the room the user is typing (ephemeral, throttled).',
  'client:ping': 'Application-level keepalive; answered by pong.',
  'server:ready': 'Authentication succeeded: the user and the session id.',
  'server:subscribed': 'The room is followed; every missed event was sent before this frame.',
  'server:unsubscribed': 'The room is no longer followed.',
  'server:resync_required': 'The gap is past the retention bound: reload the room over HTTP.',
  'server:message.ack': 'A message.send was stored (or was a retry): the stored message.',
  'server:message.new': 'A message was posted in a followed room.',
  'server:message.updated':
    'A message was edited, or its thread summary (replyCount) changed: the message as it is now.',
  'server:message.deleted': 'A message was deleted (body emptied, deletedAt set).',
  'server:reaction.added': 'Someone reacted to a message with an emoji.',
  'server:reaction.removed': 'Someone took their reaction back.',
  'server:room.read':
    "The user's read marker of a room moved (another tab read it, or marked it unread): the unread count it leaves.",
  'server:member.joined': 'Someone joined a followed room.',
  'server:member.left': 'Someone left or was removed from a followed room.',
  'server:member.updated': "A member's role changed (promoted to admin or demoted), with who changed it.",
  'server:room.updated':
    "A followed room's name, description or visibility changed, with who changed it: the room's settings as they are now.",
  'server:typing': 'Someone is typing in a followed room.',
  'server:presence': 'A user of a shared room came online or went offline.',
  'server:notification.new': 'A notification for this user (mention, invitation).',
  'server:notification.read':
    'These notifications of the user became read (in another tab, or by reading their room).',
  'server:error': 'A frame failed; the socket stays open unless the client floods or is unauthenticated.',
  'server:pong': 'Answer to ping.',
};

/** Client frames answered by one server frame. */
export const replies: Record<string, string> = {
  auth: 'ready',
  subscribe: 'subscribed',
  unsubscribe: 'unsubscribed',
  'message.send': 'message.ack',
  ping: 'pong',
};

type Side = 'client' | 'server';

export interface FrameDoc {
  side: Side;
  type: string;
  /** Component and channel message key: unique across both sides (both have a `typing`). */
  key: string;
  summary: string;
  payload: Record<string, unknown>;
}

function objectsOf(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(objectsOf);
  throw new Error(`frame schemas must be objects or unions of objects, got ${schema.constructor.name}`);
}

function typesOf(frame: z.ZodObject): string[] {
  const type = frame.shape.type as z.ZodType | undefined;
  if (type instanceof z.ZodLiteral) return [...type.values].map(String);
  if (type instanceof z.ZodEnum) return type.options.map(String);
  throw new Error('every frame has a literal or enum `type`');
}

const pascal = (type: string) =>
  type.replace(/(^|[._-])([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());

/** Every frame of one side, one entry per `type` value (an enum of types becomes one frame each). */
export function framesOf(side: Side): FrameDoc[] {
  const union = side === 'client' ? ClientFrame : ServerFrame;
  return objectsOf(union).flatMap((frame) =>
    typesOf(frame).map((type) => {
      const schema = frame.extend({ type: z.literal(type) });
      const { $schema: _dialect, ...payload } = z.toJSONSchema(schema, {
        target: 'draft-07',
        io: side === 'client' ? 'input' : 'output',
        unrepresentable: 'any',
      });
      return {
        side,
        type,
        key: `${side}${pascal(type)}`,
        summary: summaries[`${side}:${type}`] ?? frame.description ?? `The \`${type}\` frame.`,
        payload,
      };
    }),
  );
}

const closeCodes = Object.entries(CloseCode)
  .map(([name, code]) => `| ${code} | ${name} |`)
  .join('\n');

export const description = `Every room of the user over one WebSocket. Frames are JSON text, one object per frame, told apart by \`type\`.

1. Connect to \`/ws\` (or \`/ws/{roomId}\`, which subscribes to that room right after authentication) and send \`auth\` with an access token within 5 s. Tokens never travel in the URL. The server answers \`ready\` or closes with 4401.
2. \`subscribe\` with the last \`seq\` held as \`afterSeq\`: every missed event comes first, in order, then \`subscribed\` (or \`resync_required\` past the retention bound).
3. Room events (\`message.*\`, \`member.*\`, \`reaction.*\`, \`room.updated\`) carry a per-room, gap-free \`seq\`; a client that sees a gap subscribes again with its last seq.
4. A bad frame gets an \`error\` frame; the socket stays open.

Close codes:

| code | meaning |
| --- | --- |
${closeCodes}

The REST API is described at [/openapi.json](/openapi.json) and rendered at [/docs](/docs).`;

export interface AsyncApiOptions {
  /** PUBLIC_URL: where clients reach the server. */
  publicUrl: string;
}

export function asyncApiDocument({ publicUrl }: AsyncApiOptions) {
  const url = new URL(publicUrl);
  const frames = [...framesOf('client'), ...framesOf('server')];
  const keyOf = (side: Side, type: string) => frames.find((f) => f.side === side && f.type === type)?.key;
  const messageRefs = Object.fromEntries(
    frames.map((f) => [f.key, { $ref: `#/components/messages/${f.key}` }]),
  );
  const channel = { $ref: '#/channels/socket' };
  const inChannel = (key: string) => ({ $ref: `#/channels/socket/messages/${key}` });

  const operations: Record<string, unknown> = {};
  for (const frame of frames) {
    const replyKey = frame.side === 'client' ? keyOf('server', replies[frame.type] ?? '') : undefined;
    operations[`${frame.side === 'client' ? 'receive' : 'send'}${pascal(frame.type)}`] = {
      action: frame.side === 'client' ? 'receive' : 'send',
      channel,
      summary: frame.summary,
      messages: [inChannel(frame.key)],
      ...(replyKey ? { reply: { channel, messages: [inChannel(replyKey)] } } : {}),
    };
  }

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'messaging-app WebSocket protocol',
      version: '0.1.0',
      description,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      app: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        description: 'This deployment (PUBLIC_URL)',
      },
    },
    channels: {
      socket: {
        address: '/ws',
        title: 'All rooms of the user',
        description: 'One socket carries every room the user subscribes to.',
        servers: [{ $ref: '#/servers/app' }],
        messages: messageRefs,
      },
      roomSocket: {
        address: '/ws/{roomId}',
        title: 'One room, subscribed at once',
        description:
          'The same protocol as `/ws`, with `roomId` subscribed right after `ready` (the original endpoint).',
        servers: [{ $ref: '#/servers/app' }],
        parameters: { roomId: { description: 'The room (UUID) to subscribe to after authentication.' } },
        messages: messageRefs,
      },
    },
    operations,
    components: {
      messages: Object.fromEntries(
        frames.map((f) => [
          f.key,
          {
            name: f.type,
            title: `${f.type} (${f.side === 'client' ? 'client → server' : 'server → client'})`,
            summary: f.summary,
            contentType: 'application/json',
            payload: f.payload,
          },
        ]),
      ),
    },
  };
}
