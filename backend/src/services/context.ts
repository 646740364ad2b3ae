import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Bus } from '../bus/messages.js';
import type { Presence } from '../presence/presence.js';
import type { Limiter } from '../ratelimit/limiter.js';
import { openLimiter } from '../ratelimit/open.js';
import type { FairPool } from '../ratelimit/fair-pool.js';
import { createFairPool } from '../ratelimit/fair-pool.js';
import { refusePasswordWork } from './auth/password-check.js';

/** Everything a business action may touch. Services never see a request or a reply. */
export interface AppContext {
  config: Config;
  db: Db;
  bus: Bus;
  presence: Presence;
  log: Logger;
  /** Rate limits, shared by HTTP and WebSocket; password checks spend the login budget here. */
  limiter: Limiter;
  /** The bounded, fair queue every argon2 hash and verification runs in. */
  passwordWork: FairPool;
}

/** A context with the process's limits (counted in Redis when given) and its password-work queue. */
export function createContext(
  parts: Pick<AppContext, 'config' | 'db' | 'bus' | 'presence' | 'log'>,
  redis?: Redis,
): AppContext {
  const { limits } = parts.config;
  return {
    ...parts,
    limiter: openLimiter(limits, redis),
    passwordWork: createFairPool({
      concurrency: limits.passwordWorkConcurrency,
      maxWaitingPerRequester: limits.passwordWorkQueuePerRequester,
      refuse: refusePasswordWork,
    }),
  };
}
