import type { QueryClient } from '@tanstack/react-query';
import type { NotificationPage } from '@messaging-app/shared';
import { notificationsKey } from './notifications';

/**
 * These notifications were read (here, in another tab, or by reading their room): the list shows them
 * read and the badge drops by as many. Ids this tab has not loaded mean its count is behind: refetch.
 */
export function markNotificationsRead(queryClient: QueryClient, ids: string[]): void {
  const page = queryClient.getQueryData<NotificationPage>(notificationsKey);
  if (!page) return;
  const wanted = new Set(ids);
  const now = new Date().toISOString();
  let cleared = 0;
  const notifications = page.notifications.map((n) => {
    if (!wanted.has(n.id)) return n;
    wanted.delete(n.id);
    if (n.readAt) return n;
    cleared += 1;
    return { ...n, readAt: now };
  });
  queryClient.setQueryData<NotificationPage>(notificationsKey, {
    ...page,
    notifications,
    unreadCount: Math.max(0, page.unreadCount - cleared),
  });
  if (wanted.size > 0) void queryClient.invalidateQueries({ queryKey: notificationsKey });
}
