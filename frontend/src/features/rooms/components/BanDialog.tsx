import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { User } from '@messaging-app/shared';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/FormError';
import { banUser, participantsKey } from '../api/rooms';

/** The confirm step before a ban: the member is removed now and cannot rejoin until unbanned. */
export function BanDialog({
  roomId,
  roomName,
  user,
  onClose,
}: {
  roomId: string;
  roomName: string;
  user: User;
  onClose(): void;
}) {
  const queryClient = useQueryClient();
  const ban = useMutation({
    mutationFn: () => banUser(roomId, user.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: participantsKey(roomId) });
      onClose();
    },
  });

  return (
    <Dialog title={`Ban ${user.displayName} from ${roomName}?`} onClose={onClose}>
      <p>
        {user.displayName} is removed from the room at once and cannot join it again, nor be added or invited,
        until the ban is lifted.
      </p>
      <FormError message={ban.error?.message} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button danger" disabled={ban.isPending} onClick={() => ban.mutate()}>
          Ban
        </button>
      </div>
    </Dialog>
  );
}
