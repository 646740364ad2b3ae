import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { limits } from '@messaging-app/shared';
import type { Invitation, Membership, Participant } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { Dialog } from '../../../components/Dialog';
import { addParticipant, participantsKey, searchUsers, userSearchKey } from '../api/rooms';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { FormError } from '../../../components/FormError';

interface Props {
  roomId: string;
  roomName: string;
  participants: Participant[];
  onClose(): void;
}

/** The server adds people who share a room with the adder (201) and invites everyone else (202). */
const isInvitation = (answer: Membership | Invitation): answer is Invitation => 'invitee' in answer;

/** Find people by name and add or invite them (owners and admins; the server checks again). */
export function AddPeopleDialog({ roomId, roomName, participants, onClose }: Props) {
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [invited, setInvited] = useState<ReadonlySet<string>>(new Set());
  const searchBox = useRef<HTMLInputElement>(null);
  const query = useDebouncedValue(q.trim());
  const results = useQuery({
    queryKey: userSearchKey(query),
    queryFn: () => searchUsers(query),
    enabled: query.length > 0,
  });
  const add = useMutation({
    mutationFn: (userId: string) => addParticipant(roomId, userId),
    onSuccess: async (answer) => {
      searchBox.current?.focus();
      if (isInvitation(answer)) {
        setInvited((ids) => new Set(ids).add(answer.invitee.id));
        return;
      }
      const membership = answer;
      // Shown as a member at once, so the Add button cannot be clicked twice while the list reloads.
      queryClient.setQueryData<{ participants: Participant[] }>(participantsKey(roomId), (data) =>
        data
          ? {
              participants: [
                ...data.participants,
                {
                  user: membership.user,
                  role: membership.role,
                  joinedAt: membership.joinedAt,
                  online: false,
                },
              ],
            }
          : data,
      );
      // The clicked button turns into "Already a member"; focus stayed in the dialog, ready for the next name.
      await queryClient.invalidateQueries({ queryKey: participantsKey(roomId) });
    },
  });
  const memberIds = new Set(participants.map((p) => p.user.id));

  return (
    <Dialog title={`Add people to ${roomName}`} onClose={onClose}>
      <div className="field">
        <label htmlFor="add-people-q">Search people</label>
        <input
          id="add-people-q"
          ref={searchBox}
          type="search"
          autoComplete="off"
          maxLength={limits.usernameMax}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <FormError message={add.error?.message} />
      {query.length === 0 ? (
        <p className="muted">Type a name or username.</p>
      ) : results.isPending ? (
        <p className="muted">Searching…</p>
      ) : results.isError ? (
        <FormError message="Could not search people." />
      ) : results.data.users.length === 0 ? (
        <p className="muted">Nobody matches “{query}”.</p>
      ) : (
        <ul className="discover-list" aria-label="People">
          {results.data.users.map((user) => (
            <li key={user.id}>
              <div className="person">
                <Avatar user={user} size={24} />
                <strong>{user.displayName}</strong>
                <span className="muted small">@{user.username}</span>
              </div>
              {memberIds.has(user.id) ? (
                <span className="muted small">Already a member</span>
              ) : invited.has(user.id) ? (
                <span className="muted small">Invitation sent</span>
              ) : (
                <button
                  type="button"
                  className="button primary"
                  aria-label={`Add ${user.displayName}`}
                  disabled={add.isPending}
                  onClick={() => add.mutate(user.id)}
                >
                  Add
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
