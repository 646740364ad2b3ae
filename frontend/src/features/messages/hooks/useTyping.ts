import { useEffect, useRef, useState } from 'react';
import type { User } from '@messaging-app/shared';
import { useWebSocket } from '../../../hooks/useWebSocket';

const showForMs = 6000;
const sendEveryMs = 3000;

/** Who is typing in a room right now (ephemeral: straight from the socket, never stored). */
export function useTypingUsers(roomId: string, myUserId: string | undefined): User[] {
  const client = useWebSocket();
  const [typing, setTyping] = useState<{ user: User; until: number }[]>([]);

  useEffect(() => {
    setTyping([]);
    if (!client) return;
    return client.onFrame((frame) => {
      if (frame.type === 'typing' && frame.roomId === roomId && frame.user.id !== myUserId) {
        const until = Date.now() + showForMs;
        setTyping((list) => [
          ...list.filter((t) => t.user.id !== frame.user.id),
          { user: frame.user, until },
        ]);
      } else if (frame.type === 'message.new' && frame.roomId === roomId) {
        setTyping((list) => list.filter((t) => t.user.id !== frame.message.sender.id));
      }
    });
  }, [client, roomId, myUserId]);

  useEffect(() => {
    if (typing.length === 0) return;
    const next = Math.min(...typing.map((t) => t.until)) - Date.now();
    const timer = setTimeout(
      () => setTyping((list) => list.filter((t) => t.until > Date.now())),
      Math.max(next, 50),
    );
    return () => clearTimeout(timer);
  }, [typing]);

  return typing.map((t) => t.user);
}

/**
 * Tells the room I am typing, at most every few seconds; `sent()` re-arms it, because my message clears
 * the indicator on the other side and the next keystroke must raise it again.
 */
export function useSendTyping(roomId: string): { typing(): void; sent(): void } {
  const client = useWebSocket();
  const last = useRef(0);
  return {
    typing() {
      const now = Date.now();
      if (now - last.current < sendEveryMs) return;
      if (client?.send({ type: 'typing', roomId })) last.current = now;
    },
    sent() {
      last.current = 0;
    },
  };
}
