import { useQuery } from '@tanstack/react-query';
import { fetchRooms, roomsKey } from '../api/rooms';

/** The caller's rooms with unread counts; kept live by the socket. */
export function useRooms() {
  return useQuery({ queryKey: roomsKey, queryFn: fetchRooms });
}
