import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { MyRoom } from '@messaging-app/shared';
import { useAuth } from '../../auth/hooks/useAuth';
import { MessageList } from '../../messages/components/MessageList';
import { Composer } from '../../messages/components/Composer';
import { TypingIndicator } from '../../messages/components/TypingIndicator';
import { useMessages } from '../../messages/hooks/useMessages';
import { usePendingMessages, useSendMessage } from '../../messages/hooks/useSendMessage';
import { useMarkRead } from '../../messages/hooks/useMarkRead';
import { useNewDivider } from '../../messages/hooks/useNewDivider';
import { useSendTyping, useTypingUsers } from '../../messages/hooks/useTyping';
import { draftKey } from '../../messages/hooks/useDraft';
import { useSocketStatus } from '../../../hooks/useWebSocket';
import { fetchRoom, leftRoomsKey, roomKey } from '../api/rooms';
import { useRooms } from '../hooks/useRooms';
import { useParticipants } from '../hooks/useParticipants';
import { MessageActionsContext } from '../../messages/components/MessageActionsContext';
import type { MessageActions } from '../../messages/components/MessageActionsContext';
import { RoomHeader } from './RoomHeader';
import { roomTitle } from '../roomTitle';
import { ThreadContext } from '../../threads/components/ThreadContext';
import { ThreadPanel } from '../../threads/components/ThreadPanel';
import { JoinRoomPrompt } from './JoinRoomPrompt';

function RoomChat({ room, highlightId }: { room: MyRoom; highlightId: string | null }) {
  const { user } = useAuth();
  const [atBottom, setAtBottom] = useState(true);
  const [threadId, setThreadId] = useState<string | null>(null);
  const history = useMessages(room.id);
  const pending = usePendingMessages(room.id);
  const { send, retry, discard } = useSendMessage(room.id);
  const offline = useSocketStatus() !== 'open';
  const typingUsers = useTypingUsers(room.id, user?.id);
  const sendTyping = useSendTyping(room.id);
  const messages = useMemo(() => history.data?.pages.flatMap((page) => page.messages) ?? [], [history.data]);
  const events = useMemo(() => history.data?.pages.flatMap((page) => page.events) ?? [], [history.data]);
  const divider = useNewDivider(room, messages, atBottom, user?.id);
  useMarkRead(room.id, messages.at(-1)?.seq, atBottom, room.lastReadSeq);
  const actions = useRoomMessageActions(room, user?.id);
  const { fetchPreviousPage, isFetchingPreviousPage } = history;
  const loadOlder = useCallback(() => {
    if (!isFetchingPreviousPage) void fetchPreviousPage();
  }, [fetchPreviousPage, isFetchingPreviousPage]);

  // Opened from a notification about an older message: page back until it is on screen.
  const highlightMissing = highlightId !== null && !messages.some((m) => m.id === highlightId);
  useEffect(() => {
    if (highlightMissing && history.hasPreviousPage) loadOlder();
  }, [highlightMissing, history.hasPreviousPage, loadOlder]);

  return (
    <>
      {/* The history may be loading or unreachable: what this user has queued shows all the same. */}
      <MessageActionsContext.Provider value={actions}>
        <ThreadContext.Provider value={setThreadId}>
          <MessageList
            roomName={roomTitle(room)}
            isDm={room.kind === 'dm'}
            messages={messages}
            events={events}
            pending={pending}
            historyState={history.data !== undefined ? 'loaded' : history.isError ? 'failed' : 'loading'}
            readSeq={divider.seq}
            dividerFromAnyone={divider.fromAnyone}
            me={user}
            hasOlder={history.hasPreviousPage}
            loadingOlder={isFetchingPreviousPage}
            onLoadOlder={loadOlder}
            onRetry={(p) => void retry(p)}
            onDiscard={(p) => void discard(p)}
            offline={offline}
            onAtBottomChange={setAtBottom}
            highlightId={highlightId}
          />
        </ThreadContext.Provider>
      </MessageActionsContext.Provider>
      <TypingIndicator users={typingUsers} />
      <Composer
        roomName={roomTitle(room)}
        isDm={room.kind === 'dm'}
        draftKey={user ? draftKey(user.id, room.id) : null}
        onSend={(body) => {
          sendTyping.sent();
          return send(body);
        }}
        onTyping={sendTyping.typing}
        onEditLast={() => {
          // ↑ in an empty composer edits my newest message still on screen, as in Slack.
          const last = messages.findLast((m) => m.sender.id === user?.id && !m.deletedAt);
          if (last) actions.setEditingId(last.id);
          return last !== undefined;
        }}
      />
      {threadId && (
        <ThreadPanel key={threadId} roomId={room.id} rootId={threadId} onClose={() => setThreadId(null)} />
      )}
    </>
  );
}

/** Who may do what to the room's messages, and which one is being edited. */
function useRoomMessageActions(room: MyRoom, myUserId: string | undefined): MessageActions {
  const [editingId, setEditingId] = useState<string | null>(null);
  const participants = useParticipants(room.id);
  return useMemo(() => {
    const names = new Map(participants.data?.participants.map((p) => [p.user.id, p.user.displayName]));
    return {
      roomId: room.id,
      myUserId,
      canModerate: room.role === 'owner' || room.role === 'admin',
      editingId,
      setEditingId,
      nameOf: (userId: string) => names.get(userId) ?? 'someone',
    };
  }, [room.id, room.role, myUserId, editingId, participants.data]);
}

/** Rooms this tab saw the user leave: their view fetches nothing more. */
function useLeftRooms(): string[] {
  return useQuery<string[]>({
    queryKey: leftRoomsKey,
    queryFn: () => [],
    initialData: [],
    staleTime: Infinity,
    gcTime: Infinity,
  }).data;
}

function RoomView({ roomId, highlightId }: { roomId: string; highlightId: string | null }) {
  const rooms = useRooms();
  const mine = rooms.data?.rooms.find((r) => r.id === roomId);
  const left = useLeftRooms().includes(roomId);
  const other = useQuery({
    queryKey: roomKey(roomId),
    queryFn: () => fetchRoom(roomId),
    enabled: rooms.isSuccess && !mine && !left,
    retry: false,
  });
  const room = mine ?? other.data;
  if (left && !mine) {
    return (
      <section className="room">
        <p className="room-loading">You are no longer in this room.</p>
      </section>
    );
  }
  if (!room) {
    const missing = rooms.isError || other.isError;
    return (
      <section className="room">
        <p className="room-loading" role={missing ? 'alert' : undefined}>
          {missing ? 'This room does not exist, or you cannot see it.' : 'Loading…'}
        </p>
      </section>
    );
  }
  return (
    <section className="room" aria-label={room.kind === 'dm' ? roomTitle(room) : `#${room.name}`}>
      <RoomHeader room={room} member={mine !== undefined} />
      {mine ? <RoomChat room={mine} highlightId={highlightId} /> : <JoinRoomPrompt room={room} />}
    </section>
  );
}

/** The room screen: header, history, typing line and composer. */
export function Room() {
  const { roomId = '' } = useParams();
  const [search] = useSearchParams();
  // A fresh view per room, so the divider, scroll and typing state never leak between rooms.
  return <RoomView key={roomId} roomId={roomId} highlightId={search.get('message')} />;
}
