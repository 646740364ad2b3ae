import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createMemoryPresence } from '../src/presence/memory-presence.js';
import { createRedisPresence } from '../src/presence/redis-presence.js';
import type { Presence } from '../src/presence/presence.js';
import { buildTestApp, testConfig } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, joinRoom, registerUser, uniqueName } from './support/factories.js';
import { services, testMode } from './support/services.js';
import { WsClient, wsUrl } from './support/ws-client.js';

/**
 * Presence is kept per socket (an entry with an expiry its heartbeat renews), never as a count per
 * user, so no order of opens and closes can leave a phantom online user behind: a phantom would keep
 * every mention email of theirs from being sent.
 */

const log = pino({ level: 'silent' });

/** The presence of this suite's mode: Redis in `services`, in-process memory in `embedded`. */
function openPresence(): Presence {
  return testMode === 'services'
    ? createRedisPresence({ url: services.redis, prefix: uniqueName('presence'), log })
    : createMemoryPresence();
}

describe('presence', () => {
  it('keeps a user online while any of their sockets lives, and no longer', async () => {
    const one = openPresence();
    try {
      await one.connected('u1', 'a');
      await one.connected('u1', 'b');
      await one.connected('u1', 'b'); // announced twice: still one socket
      await one.disconnected('u1', 'a');
      expect(await one.online(['u1', 'u2'])).toEqual(new Set(['u1']));
      await one.disconnected('u1', 'b');
      await one.disconnected('u1', 'b'); // closed twice: nothing goes negative
      expect(await one.online(['u1'])).toEqual(new Set());
      await one.connected('u1', 'c');
      expect(await one.online(['u1'])).toEqual(new Set(['u1']));
      await one.disconnected('u1', 'c');
      expect(await one.online(['u1'])).toEqual(new Set());
    } finally {
      await one.close();
    }
  });

  it('ends offline when sockets close before they are announced, raced 200 times', async () => {
    const presence = openPresence();
    try {
      const user = 'racer';
      for (let i = 0; i < 200; i += 1) {
        const socket = `s${i}`;
        if (i % 3 === 0) {
          // The close is handled first, its announcement after.
          await presence.disconnected(user, socket);
          await presence.connected(user, socket);
        } else if (i % 3 === 1) {
          // Both in flight at once, the close issued first.
          await Promise.all([presence.disconnected(user, socket), presence.connected(user, socket)]);
        } else {
          // The ordinary order, in flight at once.
          await Promise.all([presence.connected(user, socket), presence.disconnected(user, socket)]);
        }
      }
      expect(await presence.online([user])).toEqual(new Set());
    } finally {
      await presence.close();
    }
  });
});

describe('sockets that close right after ready', () => {
  let app: TestApp;
  beforeAll(async () => {
    const limits = { ...testConfig().limits, registerPerIpPerHour: 100_000 };
    app = await buildTestApp({
      redisPrefix: uniqueName('presence'),
      config: { limits, frontendDist: '/nonexistent-frontend-dist' },
      realtime: { presenceGraceMs: 20 },
    });
    await app.server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('leave no phantom online user behind (60 sockets, each dropped on ready)', async () => {
    const watcher = await registerUser(app.server);
    const subject = await registerUser(app.server);
    const room = await createRoom(app.server, watcher);
    await joinRoom(app.server, subject, room.id);
    const url = wsUrl(app.server);
    const watching = await WsClient.connect(url, watcher.accessToken);
    try {
      watching.send({ type: 'subscribe', roomId: room.id });
      await watching.nextOf('subscribed');
      await Promise.all(
        Array.from({ length: 60 }, async () => {
          const socket = await WsClient.open(url);
          socket.socket.on('message', (data) => {
            // Gone the moment it is ready, without a goodbye, like a phone losing its network.
            if (String(data).includes('"ready"')) socket.socket.terminate();
          });
          socket.send({ type: 'auth', token: subject.accessToken });
          await socket.closing();
        }),
      );
      // After the grace period the last close announces the subject offline, once nothing counts them.
      await watching.next(
        (f) => f.type === 'presence' && f.userId === subject.user.id && f.status === 'offline',
        10_000,
      );
      expect(await app.ctx.presence.online([subject.user.id])).toEqual(new Set());
    } finally {
      watching.close();
    }
  });
});
