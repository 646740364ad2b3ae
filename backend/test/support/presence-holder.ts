/**
 * A process that holds one user's presence and then waits to be killed: the fault tests SIGKILL it
 * to see a crashed instance's users expire. Usage: presence-holder.ts <redisUrl> <prefix> <userId> <ttlMs>
 */
import pino from 'pino';
import { createRedisPresence } from '../../src/presence/redis-presence.js';

const [url, prefix, userId, ttl] = process.argv.slice(2);
if (!url || !prefix || !userId || !ttl)
  throw new Error('usage: presence-holder <redisUrl> <prefix> <userId> <ttlMs>');
const presence = createRedisPresence({ url, prefix, log: pino({ level: 'silent' }), ttlMs: Number(ttl) });
await presence.connected(userId, `holder-${process.pid}`);
process.stdout.write('holding\n');
setInterval(() => undefined, 60_000);
