import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { Profile } from '@messaging-app/shared';
import { App } from '../App';
// Loaded with the test, so that App's lazy signed-in chunk resolves at once instead of mid-assertion.
import '../signed-in';
import { Providers, createQueryClient } from '../Providers';
import { session } from '../utils/session';
import { fakeApi } from './fakeApi';
import type { Handlers } from './fakeApi';
import { fakeSockets } from './fakeSocket';

export interface RenderOptions {
  route?: string;
  /** Signed in as this user; signed out when absent. */
  me?: Profile;
  handlers?: Handlers;
}

/** Renders the whole app at a route with a fake server behind fetch and a fake socket. */
export function renderApp({ route = '/', me, handlers = {} }: RenderOptions = {}) {
  if (me) session.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  else session.set(null);
  const server = fakeApi({
    getProfile: () => (me ? { body: me } : { status: 401, body: {} }),
    listRooms: () => ({ body: { rooms: [] } }),
    listNotifications: () => ({ body: { notifications: [], unreadCount: 0, hasMore: false } }),
    listInvitations: () => ({ body: { invitations: [] } }),
    listBlocks: () => ({ body: { blocks: [] } }),
    ...handlers,
  });
  const sockets = fakeSockets();
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const view = render(
    <MemoryRouter initialEntries={[route]}>
      <Providers queryClient={queryClient} createSocket={sockets.create}>
        <App />
      </Providers>
    </MemoryRouter>,
  );
  return { ...view, server, sockets, queryClient };
}
