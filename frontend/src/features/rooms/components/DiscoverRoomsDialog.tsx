import { useDeferredValue, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../../components/Dialog';
import { discoverKey, discoverRooms, joinRoom, roomsKey } from '../api/rooms';
import { FormError } from '../../../components/FormError';

/** Search the public rooms I am not in yet and join one. */
export function DiscoverRoomsDialog({ onClose }: { onClose(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const rooms = useQuery({ queryKey: discoverKey(query), queryFn: () => discoverRooms(query) });
  const join = useMutation({
    mutationFn: joinRoom,
    onSuccess: async (membership) => {
      await queryClient.invalidateQueries({ queryKey: roomsKey });
      onClose();
      await navigate(`/rooms/${membership.roomId}`);
    },
  });

  return (
    <Dialog title="Browse rooms" onClose={onClose}>
      <div className="field">
        <label htmlFor="discover-q">Search public rooms</label>
        <input id="discover-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <FormError message={join.error?.message} />
      {rooms.isPending ? (
        <p className="muted">Searching…</p>
      ) : rooms.isError ? (
        <FormError message="Could not search rooms." />
      ) : rooms.data.rooms.length === 0 ? (
        <p className="muted">No public rooms to join{query ? ` matching “${query}”` : ''}.</p>
      ) : (
        <ul className="discover-list" aria-label="Public rooms">
          {rooms.data.rooms.map((room) => (
            <li key={room.id}>
              <div>
                <strong># {room.name}</strong>
                {room.description && <p className="muted">{room.description}</p>}
                {room.memberCount !== undefined && (
                  <p className="muted small">
                    {room.memberCount} {room.memberCount === 1 ? 'member' : 'members'}
                  </p>
                )}
              </div>
              <button
                type="button"
                className="button primary"
                aria-label={`Join ${room.name}`}
                disabled={join.isPending}
                onClick={() => join.mutate(room.id)}
              >
                Join
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
