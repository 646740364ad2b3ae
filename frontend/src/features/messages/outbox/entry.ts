/** A message typed by the user and not yet confirmed by the server, as the outbox keeps it. */
export interface OutboxEntry {
  clientMsgId: string;
  roomId: string;
  body: string;
  /** A thread reply: its root's id, and whether it goes to the room's timeline too. */
  threadId?: string;
  alsoToRoom?: boolean;
  createdAt: string;
  /** Typing order across the user's rooms and tabs: sends go out in this order. */
  order: number;
  /** `failed` only after a permanent refusal; `error` then says why. */
  state: 'pending' | 'failed';
  error?: string;
}

/** Who is flushing the outbox right now, and until when unless they renew. */
export interface OutboxLease {
  owner: string;
  until: number;
}

/** What `claimNext` answers: the next message to send under our lease, none, or another tab's lease. */
export type Claim =
  { kind: 'entry'; entry: OutboxEntry } | { kind: 'empty' } | { kind: 'busy'; until: number };

/**
 * Durable storage of one user's outbox. Every method is atomic: two tabs calling `claimNext` at once
 * never both get a lease.
 */
export interface OutboxStore {
  add(entry: OutboxEntry): Promise<void>;
  update(clientMsgId: string, patch: Partial<Pick<OutboxEntry, 'state' | 'error'>>): Promise<void>;
  remove(clientMsgId: string): Promise<void>;
  list(): Promise<OutboxEntry[]>;
  /** Takes or renews the flush lease for `owner` and returns the oldest pending entry. */
  claimNext(owner: string, leaseMs: number, now: number): Promise<Claim>;
  release(owner: string): Promise<void>;
  /** Hears changes made by this tab and by the user's other tabs. */
  onChange(listener: () => void): () => void;
  close(): void;
}

export function byOrder(a: OutboxEntry, b: OutboxEntry): number {
  return a.order - b.order || a.clientMsgId.localeCompare(b.clientMsgId);
}

/** The oldest pending entry and what the lease decides, given the current lease and entries. */
export function decideClaim(
  lease: OutboxLease | undefined,
  entries: OutboxEntry[],
  owner: string,
  now: number,
): Claim {
  if (lease && lease.owner !== owner && lease.until > now) return { kind: 'busy', until: lease.until };
  const next = entries.filter((e) => e.state === 'pending').sort(byOrder)[0];
  return next ? { kind: 'entry', entry: next } : { kind: 'empty' };
}
