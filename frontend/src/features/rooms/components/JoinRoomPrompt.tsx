import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Room } from '@messaging-app/shared';
import { joinRoom, roomsKey } from '../api/rooms';
import { FormError } from '../../../components/FormError';

/** A public room I can see but have not joined: one button away. */
export function JoinRoomPrompt({ room }: { room: Room }) {
  const queryClient = useQueryClient();
  const join = useMutation({
    mutationFn: () => joinRoom(room.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: roomsKey }),
  });
  return (
    <div className="join-prompt">
      <p>You are not a member of #{room.name} yet.</p>
      <FormError message={join.error?.message} />
      <button
        type="button"
        className="button primary"
        disabled={join.isPending}
        onClick={() => join.mutate()}
      >
        Join #{room.name}
      </button>
    </div>
  );
}
