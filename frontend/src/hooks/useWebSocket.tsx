import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { RoomEventFrame } from '@messaging-app/shared';
import { SocketClient } from '../utils/websocket';
import type { SocketLike, SocketStatus } from '../utils/websocket';
import { refreshSession } from '../utils/api';
import { session } from '../utils/session';
import { useAuth } from '../features/auth/hooks/useAuth';
import { fetchRooms, roomsKey } from '../features/rooms/api/rooms';
import { fetchMessagesAfter, messagesKey } from '../features/messages/api/messages';
import { applyFrame } from './socketCache';

const SocketContext = createContext<SocketClient | null>(null);

function socketUrl(): string {
  const url = new URL('/ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

async function missedEvents(roomId: string, afterSeq: number): Promise<RoomEventFrame[]> {
  const page = await fetchMessagesAfter(roomId, afterSeq);
  const created = page.messages.map((message): RoomEventFrame => ({
    type: 'message.new',
    roomId,
    seq: message.seq,
    message,
  }));
  return [...created, ...page.events].sort((a, b) => a.seq - b.seq);
}

/** Opens the tab's one socket while signed in, follows every room of the sidebar, feeds the query cache. */
export function SocketProvider({
  children,
  createSocket,
}: {
  children: ReactNode;
  createSocket?: (url: string) => SocketLike;
}) {
  const queryClient = useQueryClient();
  const { signedIn, user } = useAuth();
  const [client, setClient] = useState<SocketClient | null>(null);
  const userId = useRef<string | undefined>(undefined);
  userId.current = user?.id;

  useEffect(() => {
    if (!signedIn) return;
    const socket = new SocketClient({
      url: socketUrl(),
      getToken: () => session.get()?.accessToken ?? null,
      refreshToken: refreshSession,
      onSessionEnded: () => session.set(null),
      fillGap: (roomId, afterSeq) => {
        // The history endpoint has the missed messages, not the edits, deletes and reactions among
        // the missed events: the loaded pages are read again for those.
        void queryClient.invalidateQueries({ queryKey: messagesKey(roomId) });
        // A missed `room.updated` (a rename) is not in the history either: the room list is read again.
        void queryClient.invalidateQueries({ queryKey: roomsKey });
        return missedEvents(roomId, afterSeq);
      },
      createSocket,
    });
    const offFrame = socket.onFrame((frame) => applyFrame(queryClient, frame, userId.current));
    const online = () => socket.reconnectNow();
    window.addEventListener('online', online);
    socket.start();
    setClient(socket);
    return () => {
      window.removeEventListener('online', online);
      offFrame();
      socket.stop();
      setClient(null);
    };
  }, [signedIn, queryClient, createSocket]);

  const rooms = useQuery({ queryKey: roomsKey, queryFn: fetchRooms, enabled: signedIn });
  const followed = useRef(new Set<string>());
  useEffect(() => {
    if (!client || !rooms.data) return;
    const current = new Set(rooms.data.rooms.map((room) => room.id));
    // Resume each room from the seq the sidebar was loaded at, so nothing between the two is lost.
    for (const room of rooms.data.rooms) client.subscribe(room.id, room.lastSeq);
    for (const roomId of followed.current) if (!current.has(roomId)) client.unsubscribe(roomId);
    followed.current = current;
  }, [client, rooms.data]);

  return <SocketContext.Provider value={client}>{children}</SocketContext.Provider>;
}

/** The tab's socket client, or null while signed out. */
export function useWebSocket(): SocketClient | null {
  return useContext(SocketContext);
}

const noop = () => () => undefined;

/** The socket's connection state, for the "reconnecting…" banner. */
export function useSocketStatus(): SocketStatus {
  const client = useWebSocket();
  return useSyncExternalStore(
    client ? (listener) => client.onStatus(listener) : noop,
    () => client?.status ?? 'stopped',
  );
}
