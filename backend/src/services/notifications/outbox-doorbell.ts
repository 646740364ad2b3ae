type Listener = () => void;

const listeners = new Set<Listener>();

/**
 * An in-process nudge: a commit that wrote outbox rows rings it, and a relay in the same process
 * publishes at once instead of waiting for its next poll. Relays in other processes still poll.
 */
export function ringOutboxDoorbell(): void {
  for (const listener of listeners) listener();
}

export function onOutboxDoorbell(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
