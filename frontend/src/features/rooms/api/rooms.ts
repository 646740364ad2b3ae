import type { CreateRoomBody, MyRoom, Participant, Room, User } from '@messaging-app/shared';
import { call } from '../../../utils/api';

export const roomsKey = ['rooms'] as const;
export const roomKey = (roomId: string) => ['room', roomId] as const;
export const participantsKey = (roomId: string) => ['participants', roomId] as const;
/** Rooms this tab saw the user leave (or be removed from): nothing of theirs is fetched any more. */
export const leftRoomsKey = ['left-rooms'] as const;
/** The read marker the user last moved back to ("Mark unread", here or in another tab), per room. */
export const markedUnreadKey = (roomId: string) => ['marked-unread', roomId] as const;
export const discoverKey = (q: string) => ['discover', q] as const;
export const userSearchKey = (q: string) => ['userSearch', q] as const;

export interface RoomsData {
  rooms: MyRoom[];
}

export const fetchRooms = (): Promise<RoomsData> => call('listRooms');
export const fetchRoom = (roomId: string): Promise<Room> => call('getRoom', { params: { id: roomId } });
export const discoverRooms = (q: string): Promise<{ rooms: Room[] }> =>
  call('discoverRooms', { query: { q: q || undefined } });
export const createRoom = (body: CreateRoomBody): Promise<Room> => call('createRoom', { body });
export const joinRoom = (roomId: string) => call('joinRoom', { params: { id: roomId } });
export const fetchParticipants = (roomId: string): Promise<{ participants: Participant[] }> =>
  call('listParticipants', { params: { id: roomId } });
export const leaveRoom = (roomId: string) => call('leaveRoom', { params: { id: roomId } });
export const addParticipant = (roomId: string, userId: string) =>
  call('addParticipant', { params: { id: roomId }, body: { userId } });
export const searchUsers = (q: string): Promise<{ users: User[] }> => call('searchUsers', { query: { q } });
export const banUser = (roomId: string, userId: string) =>
  call('banUser', { params: { id: roomId }, body: { userId } });
