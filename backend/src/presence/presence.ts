/**
 * Who has a live socket: in-process by default, Redis across instances. Presence is kept per
 * socket, never as a count per user: each socket is one entry with an expiry that its instance's
 * heartbeat renews, and a user is online while any of their entries lives. Closing a socket removes
 * its entry; a socket closed before it was announced never gets one, and an entry nobody renews
 * (a crashed instance) expires by itself. Nothing can go negative or stay behind.
 */
export interface Presence {
  /** A socket of the user opened on this instance; `socketId` is unique to that socket. */
  connected(userId: string, socketId: string): Promise<void>;
  /** That socket closed. Also valid before `connected` (a socket that closed at once): it then never counts. */
  disconnected(userId: string, socketId: string): Promise<void>;
  /** The subset of `userIds` with at least one live socket on any instance. */
  online(userIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** How long a socket's entry lives without a heartbeat, by default. */
export const defaultPresenceTtlMs = 30_000;
