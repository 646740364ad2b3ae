import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createRedisBus } from '../src/bus/redis-bus.js';
import type { RedisBus } from '../src/bus/redis-bus.js';
import type { BusMessage } from '../src/bus/messages.js';
import { createRedisPresence } from '../src/presence/redis-presence.js';
import { uniqueName } from './support/factories.js';
import { services } from './support/services.js';
import { freePort, startPresenceHolder, startRedis } from './support/realtime-cluster.js';
import type { Child } from './support/realtime-cluster.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The next message a bus delivers that matches, or a timeout. */
function nextMessage(
  bus: RedisBus,
  match: (m: BusMessage) => boolean,
  timeoutMs = 5_000,
): Promise<BusMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no bus message within the timeout'));
    }, timeoutMs);
    const stop = bus.subscribe((message) => {
      if (!match(message)) return;
      clearTimeout(timer);
      stop();
      resolve(message);
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20)); // polling a TTL, which has no event to await
  }
}

describe('Redis bus', () => {
  const open: RedisBus[] = [];
  const bus = (prefix: string, url = services.redis) => {
    const created = createRedisBus({ url, prefix, log });
    open.push(created);
    return created;
  };
  afterAll(async () => {
    await Promise.all(open.map((b) => b.close()));
  });

  it('carries a message to the other instances and to the publisher’s own listeners once', async () => {
    const prefix = uniqueName('bus');
    const one = bus(prefix);
    const two = bus(prefix);
    await Promise.all([one.ping(), two.ping()]);
    const own: BusMessage[] = [];
    one.subscribe((m) => own.push(m));
    const arriving = nextMessage(two, (m) => m.kind === 'room.deleted');
    await one.publish({ kind: 'room.deleted', roomId: 'r1' });
    expect(await arriving).toEqual({ kind: 'room.deleted', roomId: 'r1' });
    await one.publish({ kind: 'room.deleted', roomId: 'r2' });
    expect(own).toEqual([
      { kind: 'room.deleted', roomId: 'r1' },
      { kind: 'room.deleted', roomId: 'r2' },
    ]);
  });

  it('keeps deployments with different prefixes apart', async () => {
    const otherPrefix = uniqueName('bus');
    const one = bus(uniqueName('bus'));
    const other = bus(otherPrefix);
    const otherSender = bus(otherPrefix);
    await Promise.all([one.ping(), other.ping(), otherSender.ping()]);
    const heard: BusMessage[] = [];
    other.subscribe((m) => heard.push(m));
    const probe = nextMessage(other, (m) => m.kind === 'room.deleted' && m.roomId === 'probe');
    await one.publish({ kind: 'room.deleted', roomId: 'not-yours' });
    // Redis has handed the first message to every subscriber before the probe is even published.
    await otherSender.publish({ kind: 'room.deleted', roomId: 'probe' });
    await probe;
    expect(heard).toEqual([{ kind: 'room.deleted', roomId: 'probe' }]);
  });

  describe('when its Redis restarts', () => {
    let redis: Child;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
    });
    afterAll(async () => {
      await redis.stop('SIGKILL');
    });

    it('fails a publish fast while Redis is down and announces bus.resumed once it is back', async () => {
      const prefix = uniqueName('bus');
      const url = `redis://127.0.0.1:${port}`;
      const one = bus(prefix, url);
      const two = bus(prefix, url);
      await Promise.all([one.ping(), two.ping()]);
      const resumed = nextMessage(two, (m) => m.kind === 'bus.resumed', 15_000);
      await redis.stop('SIGKILL');
      const started = Date.now();
      await one.publish({ kind: 'room.deleted', roomId: 'lost' });
      expect(Date.now() - started).toBeLessThan(1_000);
      redis = await startRedis(port);
      await resumed;
      const arriving = nextMessage(two, (m) => m.kind === 'room.deleted' && m.roomId === 'after');
      await until(
        async () =>
          one.ping().then(
            () => true,
            () => false,
          ),
        10_000,
        'publisher back',
      );
      await one.publish({ kind: 'room.deleted', roomId: 'after' });
      await arriving;
    });
  });
});

describe('Redis presence', () => {
  it('counts a user online while any instance holds a socket of theirs', async () => {
    const prefix = uniqueName('presence');
    const one = createRedisPresence({ url: services.redis, prefix, log });
    const two = createRedisPresence({ url: services.redis, prefix, log });
    try {
      await one.connected('u1', 's1');
      await one.connected('u1', 's2');
      await two.connected('u1', 's3');
      expect(await two.online(['u1', 'u2'])).toEqual(new Set(['u1']));
      await one.disconnected('u1', 's1');
      await one.disconnected('u1', 's2');
      expect(await one.online(['u1'])).toEqual(new Set(['u1']));
      await two.disconnected('u1', 's3');
      expect(await one.online(['u1'])).toEqual(new Set());
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('lets the users of a crashed instance expire after the TTL', async () => {
    const prefix = uniqueName('presence');
    const port = await freePort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const holder = await startPresenceHolder(url, prefix, 'u1', 400);
    const survivor = createRedisPresence({ url, prefix, log, ttlMs: 400 });
    try {
      await survivor.connected('u2', 's2');
      expect(await survivor.online(['u1', 'u2'])).toEqual(new Set(['u1', 'u2']));
      // A crash: the holding process dies without removing its claim.
      await holder.stop('SIGKILL');
      await until(async () => !(await survivor.online(['u1'])).has('u1'), 5_000, 'u1 still online');
      // The survivor's heartbeat keeps its own user online past the TTL.
      expect(await survivor.online(['u2'])).toEqual(new Set(['u2']));
    } finally {
      await holder.stop('SIGKILL');
      await survivor.close();
      await redis.stop('SIGKILL');
    }
  });
});
