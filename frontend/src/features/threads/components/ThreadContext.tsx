import { createContext, useContext } from 'react';

/** Opens a message's thread in the panel beside the room; null outside a room. */
export const ThreadContext = createContext<((rootId: string) => void) | null>(null);

export const useOpenThread = () => useContext(ThreadContext);
