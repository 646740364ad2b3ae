import { createContext, useContext, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../auth/hooks/useAuth';
import { useWebSocket } from '../../../hooks/useWebSocket';
import { OutboxController } from './controller';
import { openIndexedDbOutbox } from './indexeddb-store';
import { createMemoryOutbox } from './memory-store';

const OutboxContext = createContext<OutboxController | null>(null);

// A browser without IndexedDB at all (and jsdom) queues in memory, for the life of the page.
function openOutbox(userId: string) {
  return typeof indexedDB === 'undefined'
    ? Promise.resolve(createMemoryOutbox())
    : openIndexedDbOutbox(userId, indexedDB);
}

/**
 * The signed-in user's outbox for this tab: queued messages go out when the socket is (back) up, and
 * a message the server confirms over the socket leaves the outbox even if another tab sent it.
 */
export function OutboxProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { user } = useAuth();
  const userId = user?.id;
  const socket = useWebSocket();
  const [outbox, setOutbox] = useState<OutboxController | null>(null);

  useEffect(() => {
    if (!userId) return;
    const controller = new OutboxController({
      userId,
      queryClient,
      store: openOutbox(userId),
      fallback: createMemoryOutbox,
    });
    const release = () => void controller.releaseLease();
    const online = () => void controller.flushNow();
    window.addEventListener('pagehide', release);
    window.addEventListener('online', online);
    setOutbox(controller);
    return () => {
      window.removeEventListener('pagehide', release);
      window.removeEventListener('online', online);
      setOutbox(null);
      void controller.close();
    };
  }, [userId, queryClient]);

  useEffect(() => {
    if (!socket || !outbox) return;
    const offStatus = socket.onStatus((status) => {
      if (status === 'open') void outbox.flushNow();
    });
    const offFrame = socket.onFrame((frame) => {
      if (frame.type === 'message.ack') void outbox.delivered(frame.clientMsgId);
      else if (
        frame.type === 'message.new' &&
        frame.message.sender.id === userId &&
        frame.message.clientMsgId
      )
        void outbox.delivered(frame.message.clientMsgId);
    });
    return () => {
      offStatus();
      offFrame();
    };
  }, [socket, outbox, userId]);

  return <OutboxContext.Provider value={outbox}>{children}</OutboxContext.Provider>;
}

/** The user's outbox, or null while signed out. */
export function useOutbox(): OutboxController | null {
  return useContext(OutboxContext);
}
