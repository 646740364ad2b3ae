import { AppError } from '../services/errors.js';
import { rateLimited } from '../metrics/security.js';
import type { RateLimits } from './settings.js';
import type { LimiterStore } from './store.js';

/** The app's limits and where their counts live; one per process, shared by HTTP and WebSocket. */
export interface Limiter {
  store: LimiterStore;
  settings: RateLimits;
}

/** A 429 with Retry-After in whole seconds (at least 1, so clients never retry in a busy loop). */
export function tooManyRequests(limit: string, retryAfterMs: number, message: string): AppError {
  rateLimited.inc({ limit });
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, 'rate_limited', `${message}; retry in ${seconds} s`, {
    'retry-after': String(seconds),
  });
}

/**
 * One message send by `userId`, over REST or WebSocket: the same bucket for both, so switching
 * transport does not double the budget. Throws a 429 AppError when the bucket is empty.
 */
export async function limitMessageSend(limiter: Limiter, userId: string): Promise<void> {
  const { messageBurst, messagesPerSecond } = limiter.settings;
  const decision = await limiter.store.take(`send:${userId}`, messageBurst, messagesPerSecond);
  if (!decision.allowed) throw tooManyRequests('message_send', decision.retryAfterMs, 'too many messages');
}

/**
 * A per-connection frame budget. It lives in the connection's process (a socket is on one instance),
 * so it needs no shared store; `allow()` is synchronous to keep the frame loop cheap.
 */
export function createFrameLimiter(settings: RateLimits, now: () => number = Date.now): { allow(): boolean } {
  let tokens = settings.wsFrameBurst;
  let at = now();
  return {
    allow() {
      const t = now();
      tokens = Math.min(settings.wsFrameBurst, tokens + ((t - at) / 1000) * settings.wsFramesPerSecond);
      at = t;
      if (tokens < 1) {
        rateLimited.inc({ limit: 'ws_frames' });
        return false;
      }
      tokens -= 1;
      return true;
    },
  };
}
