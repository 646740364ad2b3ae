import { decideClaim } from './entry';
import type { Claim, OutboxEntry, OutboxLease, OutboxStore } from './entry';

const version = 1;
const entriesStore = 'entries';
const leaseStore = 'lease';
const leaseKey = 'flush';

/**
 * IndexedDB is scoped to the page's origin, which is the server the app talks to (`/api` on the same
 * origin), so one database per user name makes the outbox per user and per server.
 */
export const outboxName = (userId: string) => `messaging-app.outbox.${userId}`;

function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function finished(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const request = factory.open(name, version);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(entriesStore))
      db.createObjectStore(entriesStore, { keyPath: 'clientMsgId' });
    if (!db.objectStoreNames.contains(leaseStore)) db.createObjectStore(leaseStore);
  };
  return requested(request);
}

/** The user's outbox in this browser's IndexedDB; other tabs hear of changes over a BroadcastChannel. */
export async function openIndexedDbOutbox(userId: string, factory: IDBFactory): Promise<OutboxStore> {
  const name = outboxName(userId);
  const db = await openDatabase(factory, name);
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
  const listeners = new Set<() => void>();
  const changed = () => {
    channel?.postMessage('changed');
    for (const listener of listeners) listener();
  };
  if (channel) {
    channel.onmessage = () => {
      for (const listener of listeners) listener();
    };
  }
  // Another version of the app wants to upgrade the schema: let it, this page reloads into it.
  db.onversionchange = () => db.close();

  async function write(run: (entries: IDBObjectStore, lease: IDBObjectStore) => void): Promise<void> {
    const tx = db.transaction([entriesStore, leaseStore], 'readwrite');
    run(tx.objectStore(entriesStore), tx.objectStore(leaseStore));
    await finished(tx);
  }

  return {
    async add(entry) {
      await write((entries) => entries.put(entry));
      changed();
    },
    async update(clientMsgId, patch) {
      let found = false;
      await write((entries) => {
        const get = entries.get(clientMsgId);
        get.onsuccess = () => {
          const entry = get.result as OutboxEntry | undefined;
          if (!entry) return;
          found = true;
          entries.put({ ...entry, ...patch });
        };
      });
      if (found) changed();
    },
    async remove(clientMsgId) {
      let found = false;
      await write((entries) => {
        const count = entries.count(clientMsgId);
        count.onsuccess = () => {
          found = count.result > 0;
          if (found) entries.delete(clientMsgId);
        };
      });
      if (found) changed();
    },
    async list() {
      const tx = db.transaction(entriesStore, 'readonly');
      return requested(tx.objectStore(entriesStore).getAll() as IDBRequest<OutboxEntry[]>);
    },
    async claimNext(owner, leaseMs, now) {
      // One readwrite transaction over both stores: IndexedDB runs overlapping ones one at a time,
      // across tabs too, so checking and taking the lease is atomic.
      let claim: Claim = { kind: 'empty' };
      await write((entries, lease) => {
        const current = lease.get(leaseKey);
        current.onsuccess = () => {
          const all = entries.getAll();
          all.onsuccess = () => {
            claim = decideClaim(
              current.result as OutboxLease | undefined,
              all.result as OutboxEntry[],
              owner,
              now,
            );
            if (claim.kind === 'entry')
              lease.put({ owner, until: now + leaseMs } satisfies OutboxLease, leaseKey);
          };
        };
      });
      return claim;
    },
    async release(owner) {
      await write((_entries, lease) => {
        const current = lease.get(leaseKey);
        current.onsuccess = () => {
          if ((current.result as OutboxLease | undefined)?.owner === owner) lease.delete(leaseKey);
        };
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
      db.close();
    },
  };
}
