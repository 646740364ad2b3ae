import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Visibility } from '@messaging-app/shared';
import { Dialog } from '../../../components/Dialog';
import { TextField } from '../../../components/TextField';
import { formErrors } from '../../../utils/api';
import { FormError } from '../../../components/FormError';
import { createRoom, roomsKey } from '../api/rooms';

/** Name a new room and choose who can find it. */
export function CreateRoomDialog({ onClose }: { onClose(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const create = useMutation({
    mutationFn: createRoom,
    onSuccess: async (room) => {
      await queryClient.invalidateQueries({ queryKey: roomsKey });
      onClose();
      await navigate(`/rooms/${room.id}`);
    },
  });
  const { fields, form: formError } = formErrors(create.error);

  return (
    <Dialog title="Create a room" onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, description: description.trim() || undefined, visibility });
        }}
      >
        <FormError message={formError} />
        <TextField
          label="Name"
          name="name"
          value={name}
          error={fields.name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label="Description (optional)"
          name="description"
          value={description}
          error={fields.description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <fieldset className="choice">
          <legend>Who can join</legend>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={visibility === 'public'}
              onChange={() => setVisibility('public')}
            />
            Public: anyone can find and join
          </label>
          <label>
            <input
              type="radio"
              name="visibility"
              checked={visibility === 'private'}
              onChange={() => setVisibility('private')}
            />
            Private: by invitation only
          </label>
        </fieldset>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Create room
          </button>
        </div>
      </form>
    </Dialog>
  );
}
