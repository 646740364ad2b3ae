import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { blockUser, blocksKey, fetchBlocks, unblockUser } from '../api/blocks';
import { invitationsKey } from '../../notifications/api/invitations';

/** The people I blocked. */
export function useBlocks(enabled = true) {
  return useQuery({ queryKey: blocksKey, queryFn: fetchBlocks, enabled });
}

/** Blocks a user: their invitations and adds stop reaching me (the server also hides pending ones). */
export function useBlockUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: blockUser,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: blocksKey }),
        queryClient.invalidateQueries({ queryKey: invitationsKey }),
      ]),
  });
}

export function useUnblockUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unblockUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: blocksKey }),
  });
}
