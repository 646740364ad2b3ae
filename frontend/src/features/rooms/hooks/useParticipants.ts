import { useQuery } from '@tanstack/react-query';
import { fetchParticipants, participantsKey } from '../api/rooms';

/** Members of a room with their online status; presence frames keep `online` current. */
export function useParticipants(roomId: string, enabled = true) {
  return useQuery({ queryKey: participantsKey(roomId), queryFn: () => fetchParticipants(roomId), enabled });
}
