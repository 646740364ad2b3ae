/** Who has a live socket: in-process by default, Redis with a TTL across instances. */
export interface Presence {
  /** A socket of the user opened on this instance. */
  connected(userId: string): Promise<void>;
  /** A socket of the user closed on this instance. */
  disconnected(userId: string): Promise<void>;
  /** The subset of `userIds` with at least one live socket on any instance. */
  online(userIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}
