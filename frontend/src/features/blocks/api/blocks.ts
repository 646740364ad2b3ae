import type { BlockList } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const blocksKey = ['blocks'] as const;

export const fetchBlocks = (): Promise<BlockList> => call('listBlocks');
export const blockUser = (id: string): Promise<void> => call('blockUser', { params: { id } });
export const unblockUser = (id: string): Promise<void> => call('unblockUser', { params: { id } });
