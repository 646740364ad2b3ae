import { useState } from 'react';
import type { Participant, Role, User } from '@messaging-app/shared';
import { Avatar } from '../../../components/Avatar';
import { FormError } from '../../../components/FormError';
import { useBlockUser, useBlocks, useUnblockUser } from '../../blocks/hooks/useBlocks';
import { BanDialog } from './BanDialog';
import { useChangeRole } from '../hooks/useChangeRole';

/** The server's rule: the owner bans anyone else; an admin bans plain members only. */
const mayBan = (mine: Role | undefined, theirs: Role) =>
  mine === 'owner' || (mine === 'admin' && theirs === 'member');

/** The room's members with presence; Block on everyone else, Ban for owners and admins. */
export function MemberList({
  roomId,
  roomName,
  participants,
  myUserId,
  connected,
}: {
  roomId: string;
  roomName: string;
  participants: Participant[];
  myUserId: string | undefined;
  /** Without a socket, presence is not known: no dot claims offline. */
  connected: boolean;
}) {
  const [banning, setBanning] = useState<User | null>(null);
  const blocks = useBlocks();
  const block = useBlockUser();
  const unblock = useUnblockUser();
  const blocked = new Set(blocks.data?.blocks.map((b) => b.user.id));
  const myRole = participants.find((p) => p.user.id === myUserId)?.role;
  const changeRole = useChangeRole(roomId);

  return (
    <>
      <div id="member-list" className="member-list">
        <FormError message={block.error?.message ?? unblock.error?.message ?? changeRole.error?.message} />
        <ul aria-label="Members">
          {participants.map((p) => (
            <li key={p.user.id}>
              <Avatar user={p.user} size={24} />
              <span>{p.user.displayName}</span>
              <span className="muted small">@{p.user.username}</span>
              <span
                className={p.online ? 'presence online' : 'presence'}
                aria-label={connected ? (p.online ? 'online' : 'offline') : 'status unknown'}
              />
              {p.user.id !== myUserId && (
                <span className="member-actions">
                  {blocked.has(p.user.id) ? (
                    <button
                      type="button"
                      className="button subtle small"
                      aria-label={`Unblock ${p.user.displayName}`}
                      disabled={unblock.isPending}
                      onClick={() => unblock.mutate(p.user.id)}
                    >
                      Unblock
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button subtle small"
                      aria-label={`Block ${p.user.displayName}`}
                      disabled={block.isPending || blocks.isPending}
                      onClick={() => block.mutate(p.user.id)}
                    >
                      Block
                    </button>
                  )}
                  {myRole === 'owner' && p.role !== 'owner' && (
                    <button
                      type="button"
                      className="button subtle small"
                      aria-label={`${p.role === 'admin' ? 'Remove admin' : 'Make admin'}: ${p.user.displayName}`}
                      disabled={changeRole.isPending}
                      onClick={() =>
                        changeRole.mutate({
                          userId: p.user.id,
                          role: p.role === 'admin' ? 'member' : 'admin',
                        })
                      }
                    >
                      {p.role === 'admin' ? 'Remove admin' : 'Make admin'}
                    </button>
                  )}
                  {mayBan(myRole, p.role) && (
                    <button
                      type="button"
                      className="button subtle small"
                      aria-label={`Ban ${p.user.displayName}`}
                      onClick={() => setBanning(p.user)}
                    >
                      Ban
                    </button>
                  )}
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
      {/* Outside the list's stacking context, still inside the header's member box (clicks keep it open). */}
      {banning && (
        <BanDialog roomId={roomId} roomName={roomName} user={banning} onClose={() => setBanning(null)} />
      )}
    </>
  );
}
