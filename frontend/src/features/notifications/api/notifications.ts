import type { NotificationPage } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const notificationsKey = ['notifications'] as const;

export const fetchNotifications = (): Promise<NotificationPage> =>
  call('listNotifications', { query: { limit: 50 } });
export const readNotification = (id: string): Promise<void> => call('readNotification', { params: { id } });
export const readAllNotifications = (): Promise<void> => call('readAllNotifications');
