import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dmOthersMax, limits } from '@messaging-app/shared';
import type { User } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/FormError';
import { roomsKey, searchUsers, userSearchKey } from '../../rooms/api/rooms';
import { useDebouncedValue } from '../../rooms/hooks/useDebouncedValue';
import { openDm } from '../api/dms';

/** Pick one to eight people and open the conversation with them (the same one if it exists). */
export function NewDmDialog({ myUserId, onClose }: { myUserId: string | undefined; onClose(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<User[]>([]);
  const query = useDebouncedValue(q.trim());
  const results = useQuery({
    queryKey: userSearchKey(query),
    queryFn: () => searchUsers(query),
    enabled: query.length > 0,
  });
  const start = useMutation({
    mutationFn: () => openDm(picked.map((u) => u.id)),
    onSuccess: async (room) => {
      await queryClient.invalidateQueries({ queryKey: roomsKey });
      onClose();
      void navigate(`/rooms/${room.id}`);
    },
  });
  const pickedIds = new Set(picked.map((u) => u.id));
  const full = picked.length >= dmOthersMax;

  return (
    <Dialog title="New direct message" onClose={onClose}>
      {picked.length > 0 && (
        <ul className="picked-people" aria-label="To">
          {picked.map((user) => (
            <li key={user.id}>
              {user.displayName}
              <button
                type="button"
                className="icon-button small"
                aria-label={`Remove ${user.displayName}`}
                onClick={() => setPicked(picked.filter((p) => p.id !== user.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor="new-dm-q">Find people</label>
        <input
          id="new-dm-q"
          type="search"
          autoComplete="off"
          maxLength={limits.usernameMax}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {query.length > 0 && results.isSuccess && (
        <ul className="discover-list" aria-label="People">
          {results.data.users
            .filter((user) => user.id !== myUserId)
            .map((user) => (
              <li key={user.id}>
                <div className="person">
                  <Avatar user={user} size={24} />
                  <strong>{user.displayName}</strong>
                  <span className="muted small">@{user.username}</span>
                </div>
                <button
                  type="button"
                  className="button subtle"
                  aria-label={`Pick ${user.displayName}`}
                  disabled={pickedIds.has(user.id) || full}
                  onClick={() => {
                    setPicked([...picked, user]);
                    setQ('');
                  }}
                >
                  {pickedIds.has(user.id) ? 'Picked' : 'Pick'}
                </button>
              </li>
            ))}
        </ul>
      )}
      {query.length > 0 && results.isSuccess && results.data.users.length === 0 && (
        <p className="muted">Nobody matches “{query}”.</p>
      )}
      <FormError message={start.error?.message} />
      <div className="dialog-actions">
        <button
          type="button"
          className="button primary"
          disabled={picked.length === 0 || start.isPending}
          onClick={() => start.mutate()}
        >
          Start conversation
        </button>
      </div>
    </Dialog>
  );
}
