import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { limits } from '@messaging-app/shared';
import type { Room } from '@messaging-app/shared';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/FormError';
import { call, formErrors } from '../../../utils/api';
import { forgetRoom } from '../api/cache';
import { roomKey, roomsKey } from '../api/rooms';

/** Rename and describe the room (owner or admin); the owner may also delete it. */
export function RoomSettingsDialog({
  room,
  isOwner,
  onClose,
}: {
  room: Room;
  isOwner: boolean;
  onClose(): void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(room.name);
  const [description, setDescription] = useState(room.description);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = useMutation({
    mutationFn: () => call('updateRoom', { params: { id: room.id }, body: { name, description } }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: roomsKey }),
        queryClient.invalidateQueries({ queryKey: roomKey(room.id) }),
      ]);
      onClose();
    },
  });
  const remove = useMutation({
    mutationFn: () => call('deleteRoom', { params: { id: room.id } }),
    onSuccess: async () => {
      forgetRoom(queryClient, room.id);
      await navigate('/');
    },
  });
  const errors = formErrors(save.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <Dialog title="Room settings" onClose={onClose}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="room-settings-name">Name</label>
          <input
            id="room-settings-name"
            value={name}
            maxLength={limits.roomNameMax}
            onChange={(e) => setName(e.target.value)}
          />
          <FormError message={errors.fields['body.name'] ?? errors.fields.name} />
        </div>
        <div className="field">
          <label htmlFor="room-settings-description">Description</label>
          <textarea
            id="room-settings-description"
            value={description}
            maxLength={limits.roomDescriptionMax}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <FormError message={errors.form ?? remove.error?.message} />
        <div className="dialog-actions">
          {isOwner &&
            (confirmDelete ? (
              <button type="button" className="button danger" onClick={() => remove.mutate()}>
                Delete for everyone
              </button>
            ) : (
              <button type="button" className="button subtle" onClick={() => setConfirmDelete(true)}>
                Delete room
              </button>
            ))}
          <button type="submit" className="button primary" disabled={save.isPending || !name.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
