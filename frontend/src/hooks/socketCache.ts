import type { QueryClient } from '@tanstack/react-query';
import type { NotificationPage, Participant, ServerFrame } from '@messaging-app/shared';
import { addMemberEvent, upsertMessage } from '../features/messages/api/cache';
import { messagesKey } from '../features/messages/api/messages';
import {
  forgetRoom,
  isListedRoom,
  noteMessageChangeInRooms,
  noteMessageInRooms,
  noteReadState,
  noteRoomUpdated,
  rememberRoom,
} from '../features/rooms/api/cache';
import { applyReaction } from '../features/messages/api/reactions';
import { participantsKey, roomsKey } from '../features/rooms/api/rooms';
import { notificationsKey } from '../features/notifications/api/notifications';
import { markNotificationsRead } from '../features/notifications/api/cache';
import { invitationsKey } from '../features/notifications/api/invitations';
import { addThreadReply, isThreadOnly, updateThreadRoot } from '../features/threads/api/threads';

/** Applies one server frame to the TanStack Query cache: the socket keeps no state of its own. */
export function applyFrame(queryClient: QueryClient, frame: ServerFrame, myUserId: string | undefined): void {
  switch (frame.type) {
    case 'message.new':
      // A thread reply goes to its thread; only one also sent to the room joins the timeline.
      addThreadReply(queryClient, frame.message);
      if (isThreadOnly(frame.message)) return;
      upsertMessage(queryClient, frame.message);
      noteMessageInRooms(queryClient, frame.message, myUserId);
      return;
    case 'message.updated':
    case 'message.deleted':
      addThreadReply(queryClient, frame.message);
      updateThreadRoot(queryClient, frame.message);
      if (isThreadOnly(frame.message)) return;
      upsertMessage(queryClient, frame.message);
      noteMessageChangeInRooms(queryClient, frame.message);
      return;
    case 'reaction.added':
    case 'reaction.removed':
      applyReaction(queryClient, { ...frame, on: frame.type === 'reaction.added' });
      return;
    case 'room.read':
      noteReadState(queryClient, frame.roomId, frame.lastReadSeq, frame.unreadCount);
      return;
    case 'member.joined':
    case 'member.left':
      if (frame.user.id === myUserId && frame.type === 'member.left') {
        // Nothing of the room may be fetched any more: its members list would answer 404.
        forgetRoom(queryClient, frame.roomId);
        return;
      }
      addMemberEvent(queryClient, frame);
      void queryClient.invalidateQueries({ queryKey: participantsKey(frame.roomId) });
      if (frame.user.id === myUserId) {
        rememberRoom(queryClient, frame.roomId);
        void queryClient.invalidateQueries({ queryKey: roomsKey });
      }
      return;
    case 'room.updated':
      noteRoomUpdated(queryClient, frame);
      return;
    case 'member.updated':
      // A role changed: the member list (and what the room offers me) follows.
      addMemberEvent(queryClient, frame);
      void queryClient.invalidateQueries({ queryKey: participantsKey(frame.roomId) });
      return;
    case 'presence':
      queryClient.setQueriesData<{ participants: Participant[] }>({ queryKey: ['participants'] }, (data) =>
        data
          ? {
              participants: data.participants.map((p) =>
                p.user.id === frame.userId ? { ...p, online: frame.status === 'online' } : p,
              ),
            }
          : data,
      );
      return;
    case 'notification.new':
      queryClient.setQueryData<NotificationPage>(notificationsKey, (page) =>
        page && !page.notifications.some((n) => n.id === frame.notification.id)
          ? {
              ...page,
              notifications: [frame.notification, ...page.notifications],
              unreadCount: page.unreadCount + 1,
            }
          : page,
      );
      if (frame.notification.invitationId) {
        // An invitation waits in the invitations list: the room is not mine until I accept it.
        void queryClient.invalidateQueries({ queryKey: invitationsKey });
      } else if (frame.notification.type === 'room_invite') {
        if (frame.notification.roomId) rememberRoom(queryClient, frame.notification.roomId);
        void queryClient.invalidateQueries({ queryKey: roomsKey });
      } else if (frame.notification.roomId && !isListedRoom(queryClient, frame.notification.roomId)) {
        // A DM someone just opened with me: its first message notifies me, and it joins the sidebar
        // (whose refetch also subscribes this socket to it).
        void queryClient.invalidateQueries({ queryKey: roomsKey });
      }
      return;
    case 'notification.read':
      markNotificationsRead(queryClient, frame.ids);
      return;
    case 'ready':
      // Presence changes and notifications are not replayed: whatever happened while away is refetched.
      // So is a room's history whose first load failed (the server was away): there is nothing to resume.
      void queryClient.refetchQueries({
        queryKey: ['messages'],
        type: 'active',
        predicate: (query) => query.state.status === 'error' && query.state.data === undefined,
      });
      void queryClient.invalidateQueries({ queryKey: ['participants'] });
      void queryClient.invalidateQueries({ queryKey: notificationsKey });
      void queryClient.invalidateQueries({ queryKey: invitationsKey });
      return;
    case 'resync_required':
      // Too far behind to replay: start the room's history over from the newest page.
      void queryClient.resetQueries({ queryKey: messagesKey(frame.roomId) });
      void queryClient.invalidateQueries({ queryKey: roomsKey });
      return;
    case 'error':
      console.warn(`socket error ${frame.code}: ${frame.message}`);
      return;
    default:
      return;
  }
}
