/** Tunables of the WebSocket gateway; the defaults suit production, tests shrink the timings. */
export interface GatewayOptions {
  /** A new socket must authenticate within this many ms (DESIGN §4: 5 s). */
  authTimeoutMs: number;
  /** Protocol ping interval; a socket that has not answered the previous ping is terminated. */
  heartbeatMs: number;
  /**
   * Frames a client may send in a burst, and refilled per second, before it is closed with 1008.
   * Default: RATE_LIMIT_WS_FRAME_BURST and RATE_LIMIT_WS_FRAMES_PER_SECOND.
   */
  frameBurst?: number;
  frameRatePerSecond?: number;
  /** After a user's last socket closes, wait this long before announcing them offline. */
  presenceGraceMs: number;
  /** One `typing` broadcast per user per room per this many ms. */
  typingThrottleMs: number;
  /**
   * Every socket's session and room memberships are re-read from the database this often, so a lost
   * kick or logout keeps access at most this long. Default: WS_REVALIDATE_SECONDS.
   */
  revalidateMs?: number;
  /** A socket whose unsent output exceeds this many bytes is too slow to keep; it resumes by seq. */
  maxBufferedBytes: number;
  /**
   * Stored events read per replay query; the replay yields to other work between pages. On the
   * embedded store a page's query blocks the main thread: 25 events take ~1–3 ms, 100 take ~5–10.
   */
  replayPageSize: number;
  /**
   * Replay and gap-fill reads running at once on this instance, taking turns by user. Default: 1 on
   * the embedded store (its queries run on the main thread anyway), 4 on PostgreSQL.
   */
  replayConcurrency?: number;
  /** The `retryAfterMs` of an `unavailable` error frame (the store failed during a replay). */
  unavailableRetryMs: number;
}

export const defaultGatewayOptions: GatewayOptions = {
  authTimeoutMs: 5_000,
  heartbeatMs: 30_000,
  presenceGraceMs: 5_000,
  typingThrottleMs: 2_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  replayPageSize: 25,
  unavailableRetryMs: 1_000,
};
