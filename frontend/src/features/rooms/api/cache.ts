import type { QueryClient } from '@tanstack/react-query';
import type { Message, Room, RoomUpdatedFrame } from '@messaging-app/shared';
import { messagesKey } from '../../messages/api/messages';
import type { MessagePages } from '../../messages/api/cache';
import { leftRoomsKey, markedUnreadKey, participantsKey, roomKey, roomsKey } from './rooms';
import type { RoomsData } from './rooms';

/** A new message in a room: it becomes the room's last message and, from someone else, unread. */
export function noteMessageInRooms(
  queryClient: QueryClient,
  message: Message,
  myUserId: string | undefined,
): void {
  queryClient.setQueryData<RoomsData>(roomsKey, (data) => {
    if (!data) return data;
    return {
      rooms: data.rooms.map((room) => {
        if (room.id !== message.roomId) return room;
        const unread = message.sender.id !== myUserId && message.seq > room.lastReadSeq && !message.deletedAt;
        return {
          ...room,
          lastSeq: Math.max(room.lastSeq, message.seq),
          lastMessage: !room.lastMessage || message.seq >= room.lastMessage.seq ? message : room.lastMessage,
          unreadCount: room.unreadCount + (unread ? 1 : 0),
        };
      }),
    };
  });
}

/**
 * An edited or deleted message that is a room's last message: the sidebar's preview follows it. A
 * deleted one gives way to the message before it, as the server's room list does; when that one is not
 * loaded here, the list is fetched again.
 */
export function noteMessageChangeInRooms(queryClient: QueryClient, message: Message): void {
  const data = queryClient.getQueryData<RoomsData>(roomsKey);
  if (!data?.rooms.some((room) => room.lastMessage?.id === message.id)) return;
  let lastMessage: Message | null = message;
  if (message.deletedAt) {
    const loaded = queryClient.getQueryData<MessagePages>(messagesKey(message.roomId));
    lastMessage =
      loaded?.pages
        .flatMap((page) => page.messages)
        .filter((m) => !m.deletedAt && m.seq < message.seq)
        .at(-1) ?? null;
    if (!lastMessage) void queryClient.invalidateQueries({ queryKey: roomsKey });
  }
  queryClient.setQueryData<RoomsData>(roomsKey, {
    rooms: data.rooms.map((room) => (room.lastMessage?.id === message.id ? { ...room, lastMessage } : room)),
  });
}

/** The room's settings changed (`room.updated`): its name, description and visibility follow everywhere. */
export function noteRoomUpdated(queryClient: QueryClient, frame: RoomUpdatedFrame): void {
  const settings = { name: frame.name, description: frame.description, visibility: frame.visibility };
  queryClient.setQueryData<RoomsData>(roomsKey, (data) =>
    data
      ? {
          rooms: data.rooms.map((room) =>
            room.id === frame.roomId
              ? { ...room, ...settings, lastSeq: Math.max(room.lastSeq, frame.seq) }
              : room,
          ),
        }
      : data,
  );
  queryClient.setQueryData<Room>(roomKey(frame.roomId), (room) => (room ? { ...room, ...settings } : room));
}

/** Marked unread from `seq` on: the read marker goes back to the message before it at once. */
export function noteMarkedUnread(queryClient: QueryClient, roomId: string, lastReadSeq: number): void {
  queryClient.setQueryData<RoomsData>(roomsKey, (data) =>
    data ? { rooms: data.rooms.map((room) => (room.id === roomId ? { ...room, lastReadSeq } : room)) } : data,
  );
  // Said apart from the room list: a refetch of the list never reads as "marked unread".
  queryClient.setQueryData<number>(markedUnreadKey(roomId), lastReadSeq);
}

/** The read marker moved to `seq`: what is at or before it is no longer unread. */
export function noteReadInRooms(queryClient: QueryClient, roomId: string, seq: number): void {
  queryClient.setQueryData<RoomsData>(roomsKey, (data) => {
    if (!data) return data;
    return {
      rooms: data.rooms.map((room) =>
        room.id === roomId
          ? {
              ...room,
              lastReadSeq: Math.max(room.lastReadSeq, seq),
              unreadCount: seq >= (room.lastMessage?.seq ?? 0) ? 0 : room.unreadCount,
            }
          : room,
      ),
    };
  });
}

/** The server says where the read marker is and what is unread (another tab read, or marked unread). */
export function noteReadState(
  queryClient: QueryClient,
  roomId: string,
  lastReadSeq: number,
  unreadCount: number,
): void {
  const held = queryClient.getQueryData<RoomsData>(roomsKey)?.rooms.find((room) => room.id === roomId);
  // The server's marker only goes back when the user marks the room unread (in another tab, say).
  if (held && lastReadSeq < held.lastReadSeq)
    queryClient.setQueryData<number>(markedUnreadKey(roomId), lastReadSeq);
  queryClient.setQueryData<RoomsData>(roomsKey, (data) =>
    data
      ? {
          rooms: data.rooms.map((room) =>
            room.id === roomId ? { ...room, lastReadSeq, unreadCount } : room,
          ),
        }
      : data,
  );
}

/** Whether the sidebar already lists the room (false while the list is not loaded). */
export function isListedRoom(queryClient: QueryClient, roomId: string): boolean {
  return queryClient.getQueryData<RoomsData>(roomsKey)?.rooms.some((room) => room.id === roomId) ?? false;
}

/** Drops a room from the sidebar (left, removed, deleted). */
export function dropRoom(queryClient: QueryClient, roomId: string): void {
  queryClient.setQueryData<RoomsData>(roomsKey, (data) =>
    data ? { rooms: data.rooms.filter((room) => room.id !== roomId) } : data,
  );
}

/**
 * The user left the room, or was removed: it goes from the sidebar and everything of it stops, first
 * of all the fetches a room view still on screen would make (they would answer 404 for a private room).
 */
export function forgetRoom(queryClient: QueryClient, roomId: string): void {
  queryClient.setQueryData<string[]>(leftRoomsKey, (left = []) =>
    left.includes(roomId) ? left : [...left, roomId],
  );
  for (const key of [participantsKey(roomId), roomKey(roomId), messagesKey(roomId)])
    void queryClient.cancelQueries({ queryKey: key });
  dropRoom(queryClient, roomId);
}

/** The user is in the room again (rejoined, added back). */
export function rememberRoom(queryClient: QueryClient, roomId: string): void {
  queryClient.setQueryData<string[]>(leftRoomsKey, (left) => left?.filter((id) => id !== roomId));
}
