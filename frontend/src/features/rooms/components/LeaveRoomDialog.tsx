import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../../components/Dialog';
import { leaveRoom, participantsKey, roomKey } from '../api/rooms';
import { forgetRoom } from '../api/cache';
import { FormError } from '../../../components/FormError';

/** The confirm step before leaving: a private room cannot be rejoined without a new invite. */
export function LeaveRoomDialog({
  roomId,
  roomName,
  onClose,
}: {
  roomId: string;
  roomName: string;
  onClose(): void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const leave = useMutation({
    mutationFn: () => leaveRoom(roomId),
    onSuccess: async () => {
      // Nothing of the room is fetched from now on (the socket's member.left may have said so already),
      // then away from it.
      forgetRoom(queryClient, roomId);
      await navigate('/');
      queryClient.removeQueries({ queryKey: participantsKey(roomId) });
      queryClient.removeQueries({ queryKey: roomKey(roomId) });
    },
  });

  return (
    <Dialog title={`Leave ${roomName}?`} onClose={onClose}>
      <p>You will stop receiving its messages. A private room needs a new invite to come back.</p>
      <FormError message={leave.error?.message} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button primary"
          disabled={leave.isPending}
          onClick={() => leave.mutate()}
        >
          Leave room
        </button>
      </div>
    </Dialog>
  );
}
