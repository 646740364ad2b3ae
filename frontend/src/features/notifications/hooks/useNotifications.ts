import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { NotificationPage } from '@messaging-app/shared';
import {
  fetchNotifications,
  notificationsKey,
  readAllNotifications,
  readNotification,
} from '../api/notifications';

/** My notifications, newest first, with the unread count; new ones arrive over the socket. */
export function useNotifications() {
  return useQuery({ queryKey: notificationsKey, queryFn: fetchNotifications });
}

function markLocally(page: NotificationPage | undefined, id: string | null): NotificationPage | undefined {
  if (!page) return page;
  const now = new Date().toISOString();
  let cleared = 0;
  const notifications = page.notifications.map((n) => {
    if (n.readAt || (id !== null && n.id !== id)) return n;
    cleared += 1;
    return { ...n, readAt: now };
  });
  return { ...page, notifications, unreadCount: id === null ? 0 : Math.max(0, page.unreadCount - cleared) };
}

/** Marks one notification read, or all of them with `null`, in the cache first and then on the server. */
export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string | null) => (id === null ? readAllNotifications() : readNotification(id)),
    onMutate: (id) => {
      queryClient.setQueryData<NotificationPage>(notificationsKey, (page) => markLocally(page, id));
    },
    onError: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
}
