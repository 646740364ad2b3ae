import { decideClaim } from './entry';
import type { Claim, OutboxEntry, OutboxLease, OutboxStore } from './entry';

/**
 * The outbox of a browser without usable IndexedDB (some private modes): messages still queue and
 * go out in order, but only for the life of the page.
 */
export function createMemoryOutbox(): OutboxStore {
  const entries = new Map<string, OutboxEntry>();
  let lease: OutboxLease | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    async add(entry) {
      entries.set(entry.clientMsgId, entry);
      changed();
    },
    async update(clientMsgId, patch) {
      const entry = entries.get(clientMsgId);
      if (!entry) return;
      entries.set(clientMsgId, { ...entry, ...patch });
      changed();
    },
    async remove(clientMsgId) {
      if (entries.delete(clientMsgId)) changed();
    },
    async list() {
      return [...entries.values()];
    },
    async claimNext(owner, leaseMs, now): Promise<Claim> {
      const claim = decideClaim(lease, [...entries.values()], owner, now);
      if (claim.kind === 'entry') lease = { owner, until: now + leaseMs };
      return claim;
    },
    async release(owner) {
      if (lease?.owner === owner) lease = undefined;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
    },
  };
}
