/**
 * The sockets of this process that presence counts: which user each belongs to, and the ones that
 * closed, remembered for a while so that an announcement arriving after the close (a socket that
 * closed right after `ready`) is ignored instead of bringing its user back online.
 */
export class LocalSockets {
  private readonly live = new Map<string, string>();
  private readonly closed = new Map<string, number>();

  constructor(private readonly rememberClosedMs: number) {}

  /** Records an opened socket; false when it already closed (or was already recorded). */
  open(userId: string, socketId: string): boolean {
    if (this.closed.has(socketId) || this.live.has(socketId)) return false;
    this.live.set(socketId, userId);
    return true;
  }

  /** Records a closed socket, whether or not it was opened; true when it was live. */
  close(socketId: string): boolean {
    this.closed.set(socketId, Date.now() + this.rememberClosedMs);
    return this.live.delete(socketId);
  }

  /** Live sockets as [socketId, userId]. */
  entries(): IterableIterator<[string, string]> {
    return this.live.entries();
  }

  /** Forgets closed sockets old enough that no late announcement of theirs is still in flight. */
  sweep(now = Date.now()): void {
    for (const [socketId, until] of this.closed) if (until <= now) this.closed.delete(socketId);
  }

  clear(): void {
    this.live.clear();
    this.closed.clear();
  }
}
