import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InvitationList } from '@messaging-app/shared';
import { acceptInvitation, declineInvitation, fetchInvitations, invitationsKey } from '../api/invitations';
import { notificationsKey } from '../api/notifications';
import { roomsKey } from '../../rooms/api/rooms';
import { rememberRoom } from '../../rooms/api/cache';

/** My pending room invitations; a new one arrives as a `room_invite` notification over the socket. */
export function useInvitations() {
  return useQuery({ queryKey: invitationsKey, queryFn: fetchInvitations });
}

/** Accepts or declines; the answered invitation leaves the list, and its notification reads as read. */
export function useAnswerInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, accept }: { id: string; roomId: string; accept: boolean }) =>
      accept ? acceptInvitation(id).then(() => undefined) : declineInvitation(id),
    onSuccess: async (_, { id, roomId, accept }) => {
      // A room left earlier is mine again: its fetches resume.
      if (accept) rememberRoom(queryClient, roomId);
      queryClient.setQueryData<InvitationList>(invitationsKey, (data) =>
        data ? { invitations: data.invitations.filter((i) => i.id !== id) } : data,
      );
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: notificationsKey }),
        accept ? queryClient.invalidateQueries({ queryKey: roomsKey }) : undefined,
      ]);
    },
  });
}
