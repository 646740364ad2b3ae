import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../utils/api';
import { participantsKey } from '../api/rooms';

/** Promote a member to admin or demote an admin (the room's owner only; the server checks). */
export function useChangeRole(roomId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: 'admin' | 'member' }) =>
      call('changeRole', { params: { id: roomId, userId }, body: { role } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: participantsKey(roomId) }),
  });
}
