import type { Bus, BusListener, BusMessage } from './messages.js';

/** The embedded bus: one process, delivery by direct call on the next tick. */
export function createMemoryBus(): Bus {
  const listeners = new Set<BusListener>();
  return {
    async publish(message: BusMessage) {
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}
