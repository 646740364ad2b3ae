import type { Room } from '@messaging-app/shared';
import { call } from '../../../utils/api';

/** Opens (or finds) the conversation of the caller and these people. */
export const openDm = (userIds: string[]): Promise<Room> => call('openDm', { body: { userIds } });
