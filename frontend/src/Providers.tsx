import { useState } from 'react';
import type { ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './utils/api';
import { AuthProvider } from './features/auth/hooks/useAuth';
import { SocketProvider } from './hooks/useWebSocket';
import { OutboxProvider } from './features/messages/outbox/OutboxProvider';
import type { SocketLike } from './utils/websocket';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will not change on retry; network trouble might.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

/** Server state, session, the socket and the outbox, in the order each needs the one before. */
export function Providers({
  children,
  queryClient,
  createSocket,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
  createSocket?: (url: string) => SocketLike;
}) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>
        <SocketProvider createSocket={createSocket}>
          <OutboxProvider>{children}</OutboxProvider>
        </SocketProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
