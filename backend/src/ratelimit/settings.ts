import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Every limit, each configurable from the environment; defaults suit a small team server. */
export interface RateLimits {
  /** General API budget per signed-in user (per IP before sign-in), per minute. */
  apiPerMinute: number;
  loginPerIpPerMinute: number;
  registerPerIpPerHour: number;
  /** Password reset requests per IP, and reset mails per email address, per hour. */
  passwordResetPerIpPerHour: number;
  passwordResetPerAddressPerHour: number;
  /** NIST SP 800-63B: at most this many password verifications per account per window. */
  loginAccountMax: number;
  loginWindowSeconds: number;
  /** After this many failures, attempts on the account are spaced by a doubling delay. */
  loginSlowdownAfter: number;
  loginSlowdownBaseMs: number;
  loginSlowdownMaxMs: number;
  /** Message sends per user, over REST and WebSocket alike: a token bucket. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Frames per WebSocket connection: a token bucket; a flood closes the socket. */
  wsFramesPerSecond: number;
  wsFrameBurst: number;
  /** Sockets one user may hold open on one instance; the next is closed with 1008. */
  wsSocketsPerUser: number;
  /** Sockets one address may hold open before they authenticate, per instance; the next is closed with 1008. */
  wsUnauthenticatedPerAddress: number;
  /**
   * Stored events replayed to one socket (subscribe with `afterSeq`), and to all sockets of one user
   * on one instance: token buckets of this capacity that refill in a minute. A spent budget answers
   * `rate_limited` with `retryAfterMs`; the client resumes from the last seq it received.
   */
  wsReplayPerSocket: number;
  wsReplayPerUser: number;
  /** Lifetime of membership and profile cache entries. */
  cacheTtlSeconds: number;
  /** argon2 hashes and verifications running at once (a fair queue holds the rest): cores less one. */
  passwordWorkConcurrency: number;
  /** Password checks one requester (user, or address before sign-in) may have waiting; more is a 429. */
  passwordWorkQueuePerRequester: number;
  /** Room invitations one user may send per hour, and per day to the same person. */
  invitationsPerHour: number;
  invitationsPerInviteePerDay: number;
}

const positive = z.coerce.number().positive();
const count = z.coerce.number().int().min(1);

const LimitEnv = z.object({
  RATE_LIMIT_API_PER_MINUTE: count.default(1200),
  RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: count.default(30),
  RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: count.default(30),
  RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: count.default(10),
  RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS_PER_HOUR: count.default(3),
  LOGIN_ACCOUNT_MAX_ATTEMPTS: count.default(100),
  LOGIN_ACCOUNT_WINDOW_SECONDS: count.default(3600),
  LOGIN_SLOWDOWN_AFTER: count.default(5),
  LOGIN_SLOWDOWN_BASE_MS: z.coerce.number().int().min(0).default(1000),
  LOGIN_SLOWDOWN_MAX_MS: z.coerce.number().int().min(0).default(60_000),
  RATE_LIMIT_MESSAGES_PER_SECOND: positive.default(5),
  RATE_LIMIT_MESSAGE_BURST: count.default(20),
  RATE_LIMIT_WS_FRAMES_PER_SECOND: positive.default(20),
  RATE_LIMIT_WS_FRAME_BURST: count.default(60),
  WS_MAX_SOCKETS_PER_USER: count.default(20),
  WS_MAX_UNAUTHENTICATED_PER_ADDRESS: count.default(50),
  WS_REPLAY_EVENTS_PER_SOCKET: count.default(10_000),
  WS_REPLAY_EVENTS_PER_USER: count.default(30_000),
  CACHE_TTL_SECONDS: count.default(300),
  // One core stays free for the event loop: argon2 on every core starves every other request.
  PASSWORD_WORK_CONCURRENCY: count.default(Math.max(1, availableParallelism() - 1)),
  // Waiting costs no CPU; an instant 429 does, as a client that ignores it asks again at once
  // (docs/security.md: against a queue of 4, 16 checks in flight churned and slowed everyone).
  PASSWORD_WORK_QUEUE_PER_REQUESTER: count.default(32),
  RATE_LIMIT_INVITATIONS_PER_HOUR: count.default(20),
  RATE_LIMIT_INVITATIONS_PER_INVITEE_PER_DAY: count.default(3),
});

/** Parses the limit settings; throws a message naming the variable when one is invalid. */
export function rateLimitsFromEnv(source: NodeJS.ProcessEnv): RateLimits {
  const parsed = LimitEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid limit configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    apiPerMinute: e.RATE_LIMIT_API_PER_MINUTE,
    loginPerIpPerMinute: e.RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE,
    registerPerIpPerHour: e.RATE_LIMIT_REGISTER_PER_IP_PER_HOUR,
    passwordResetPerIpPerHour: e.RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR,
    passwordResetPerAddressPerHour: e.RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS_PER_HOUR,
    loginAccountMax: e.LOGIN_ACCOUNT_MAX_ATTEMPTS,
    loginWindowSeconds: e.LOGIN_ACCOUNT_WINDOW_SECONDS,
    loginSlowdownAfter: e.LOGIN_SLOWDOWN_AFTER,
    loginSlowdownBaseMs: e.LOGIN_SLOWDOWN_BASE_MS,
    loginSlowdownMaxMs: e.LOGIN_SLOWDOWN_MAX_MS,
    messagesPerSecond: e.RATE_LIMIT_MESSAGES_PER_SECOND,
    messageBurst: e.RATE_LIMIT_MESSAGE_BURST,
    wsFramesPerSecond: e.RATE_LIMIT_WS_FRAMES_PER_SECOND,
    wsFrameBurst: e.RATE_LIMIT_WS_FRAME_BURST,
    wsSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
    wsUnauthenticatedPerAddress: e.WS_MAX_UNAUTHENTICATED_PER_ADDRESS,
    wsReplayPerSocket: e.WS_REPLAY_EVENTS_PER_SOCKET,
    wsReplayPerUser: e.WS_REPLAY_EVENTS_PER_USER,
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    passwordWorkConcurrency: e.PASSWORD_WORK_CONCURRENCY,
    passwordWorkQueuePerRequester: e.PASSWORD_WORK_QUEUE_PER_REQUESTER,
    invitationsPerHour: e.RATE_LIMIT_INVITATIONS_PER_HOUR,
    invitationsPerInviteePerDay: e.RATE_LIMIT_INVITATIONS_PER_INVITEE_PER_DAY,
  };
}
