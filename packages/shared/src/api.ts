import { z } from 'zod';
import { IdParams, Problem } from './common.js';
import { AuthResponse, LoginBody, LogoutBody, RefreshBody, RegisterBody } from './auth.js';
import {
  ConfirmEmailChangeBody,
  Profile,
  UpdateProfileBody,
  User,
  UserSearchQuery,
  UserSearchResult,
} from './users.js';
import {
  AddParticipantBody,
  CreateRoomBody,
  DiscoverQuery,
  Membership,
  MyRoom,
  Participant,
  ParticipantParams,
  ReadMarkerBody,
  Room,
  UpdateRoomBody,
} from './rooms.js';
import { HistoryQuery, Message, SendMessageBody } from './messages.js';
import { MessagePage } from './timeline.js';
import { NotificationPage, NotificationsQuery } from './notifications.js';
import { Liveness, Readiness } from './health.js';
import { Invitation, InvitationList } from './invitations.js';
import { BlockList } from './blocks.js';
import { Ban, BanBody, BanList, BanParams } from './bans.js';
import { messageChangeEndpoints } from './api-message-changes.js';
import { conversationEndpoints } from './api-conversations.js';
import { accountEndpoints } from './api-accounts.js';
import { SearchPage, SearchQuery } from './search.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint {
  method: Method;
  /** Fastify-style path: `:id` marks a parameter. */
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Success responses by status code; `null` means an empty body. */
  responses: Record<number, z.ZodType | null>;
}

const define = <T extends Record<string, Endpoint>>(table: T): T => table;
const NoContent = null;

/**
 * The HTTP contract: every route, its schemas and its success responses. The server registers its routes
 * from this table, the client builds its calls from it, and the attack suite walks it.
 */
export const api = define({
  register: {
    method: 'POST',
    path: '/api/auth/register',
    summary: 'Create an account and a session',
    tag: 'auth',
    auth: false,
    body: RegisterBody,
    responses: { 201: AuthResponse },
  },
  login: {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Log in with a username or email',
    tag: 'auth',
    auth: false,
    body: LoginBody,
    responses: { 200: AuthResponse },
  },
  refresh: {
    method: 'POST',
    path: '/api/auth/refresh',
    summary: 'Trade a refresh token for a new pair (rotation with reuse detection)',
    tag: 'auth',
    auth: false,
    body: RefreshBody,
    responses: { 200: AuthResponse },
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'Revoke the session of the access token',
    tag: 'auth',
    auth: true,
    body: LogoutBody,
    responses: { 204: NoContent },
  },
  getProfile: {
    method: 'GET',
    path: '/api/profile',
    summary: 'The caller',
    tag: 'users',
    auth: true,
    responses: { 200: Profile },
  },
  updateProfile: {
    method: 'PATCH',
    path: '/api/profile',
    summary:
      'Change display name, password or notification preferences; a new email only mails a link to it (the answer keeps the old one)',
    tag: 'users',
    auth: true,
    body: UpdateProfileBody,
    responses: { 200: Profile },
  },
  confirmEmailChange: {
    method: 'POST',
    path: '/api/users/me/email/confirm',
    summary: "Follow the link of an email change: the caller's email becomes the new one, other sessions end",
    tag: 'users',
    auth: true,
    body: ConfirmEmailChangeBody,
    responses: { 200: Profile },
  },
  searchUsers: {
    method: 'GET',
    path: '/api/users',
    summary: 'Users whose username or display name starts with q',
    tag: 'users',
    auth: true,
    querystring: UserSearchQuery,
    responses: { 200: UserSearchResult },
  },
  getUser: {
    method: 'GET',
    path: '/api/users/:id',
    summary: 'A public user',
    tag: 'users',
    auth: true,
    params: IdParams,
    responses: { 200: User },
  },
  listRooms: {
    method: 'GET',
    path: '/api/rooms',
    summary: 'Rooms the caller belongs to, with unread counts',
    tag: 'rooms',
    auth: true,
    responses: { 200: z.object({ rooms: z.array(MyRoom) }) },
  },
  discoverRooms: {
    method: 'GET',
    path: '/api/rooms/discover',
    summary: 'Public rooms the caller may join',
    tag: 'rooms',
    auth: true,
    querystring: DiscoverQuery,
    responses: { 200: z.object({ rooms: z.array(Room) }) },
  },
  createRoom: {
    method: 'POST',
    path: '/api/rooms',
    summary: 'Create a room; the caller becomes its owner',
    tag: 'rooms',
    auth: true,
    body: CreateRoomBody,
    responses: { 201: Room },
  },
  getRoom: {
    method: 'GET',
    path: '/api/rooms/:id',
    summary: 'A room the caller can see',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 200: Room },
  },
  updateRoom: {
    method: 'PATCH',
    path: '/api/rooms/:id',
    summary: 'Rename or describe a room (owner or admin)',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    body: UpdateRoomBody,
    responses: { 200: Room },
  },
  deleteRoom: {
    method: 'DELETE',
    path: '/api/rooms/:id',
    summary: 'Delete a room (owner)',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  joinRoom: {
    method: 'POST',
    path: '/api/rooms/:id/join',
    summary: 'Join a public room',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 200: Membership },
  },
  leaveRoom: {
    method: 'POST',
    path: '/api/rooms/:id/leave',
    summary: 'Leave a room',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  listParticipants: {
    method: 'GET',
    path: '/api/rooms/:id/participants',
    summary: 'Members of a room with their online status',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 200: z.object({ participants: z.array(Participant) }) },
  },
  addParticipant: {
    method: 'POST',
    path: '/api/rooms/:id/participants',
    summary:
      'Add a user to a room (owner or admin): 201 membership when the two share a room, else 202 invitation',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    body: AddParticipantBody,
    responses: { 201: Membership, 202: Invitation },
  },
  removeParticipant: {
    method: 'DELETE',
    path: '/api/rooms/:id/participants/:userId',
    summary: 'Remove a member (owner or admin, or the member themself)',
    tag: 'rooms',
    auth: true,
    params: ParticipantParams,
    responses: { 204: NoContent },
  },
  listBans: {
    method: 'GET',
    path: '/api/rooms/:id/bans',
    summary: "The room's ban list (owner or admin)",
    tag: 'rooms',
    auth: true,
    params: IdParams,
    responses: { 200: BanList },
  },
  banUser: {
    method: 'POST',
    path: '/api/rooms/:id/bans',
    summary: 'Ban a user: removes them and refuses their join, add and invitation (owner or admin)',
    tag: 'rooms',
    auth: true,
    params: IdParams,
    body: BanBody,
    responses: { 201: Ban, 200: Ban },
  },
  unbanUser: {
    method: 'DELETE',
    path: '/api/rooms/:id/bans/:userId',
    summary: 'Lift a ban (owner or admin)',
    tag: 'rooms',
    auth: true,
    params: BanParams,
    responses: { 204: NoContent },
  },
  listInvitations: {
    method: 'GET',
    path: '/api/invitations',
    summary: "The caller's pending room invitations, newest first",
    tag: 'invitations',
    auth: true,
    responses: { 200: InvitationList },
  },
  acceptInvitation: {
    method: 'POST',
    path: '/api/invitations/:id/accept',
    summary: 'Accept an invitation: join its room',
    tag: 'invitations',
    auth: true,
    params: IdParams,
    responses: { 200: Membership },
  },
  declineInvitation: {
    method: 'POST',
    path: '/api/invitations/:id/decline',
    summary: 'Decline an invitation',
    tag: 'invitations',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  listBlocks: {
    method: 'GET',
    path: '/api/blocks',
    summary: 'Users the caller blocked',
    tag: 'users',
    auth: true,
    responses: { 200: BlockList },
  },
  blockUser: {
    method: 'PUT',
    path: '/api/users/:id/block',
    summary: 'Block a user: their invitations, adds and direct messages no longer reach the caller',
    tag: 'users',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  unblockUser: {
    method: 'DELETE',
    path: '/api/users/:id/block',
    summary: 'Unblock a user',
    tag: 'users',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  listMessages: {
    method: 'GET',
    path: '/api/rooms/:id/messages',
    summary: 'A page of history in ascending seq',
    tag: 'messages',
    auth: true,
    params: IdParams,
    querystring: HistoryQuery,
    responses: { 200: MessagePage },
  },
  sendMessage: {
    method: 'POST',
    path: '/api/rooms/:id/messages',
    summary: 'Post a message; idempotent by clientMsgId',
    tag: 'messages',
    auth: true,
    params: IdParams,
    body: SendMessageBody,
    responses: { 201: Message, 200: Message },
  },
  ...messageChangeEndpoints,
  ...conversationEndpoints,
  ...accountEndpoints,
  searchMessages: {
    method: 'GET',
    path: '/api/search',
    summary:
      'Messages of the rooms the caller is a member of that contain the words of q (whole words, prefixes or any part of a word), best match first, then newest',
    tag: 'messages',
    auth: true,
    querystring: SearchQuery,
    responses: { 200: SearchPage },
  },
  markRead: {
    method: 'POST',
    path: '/api/rooms/:id/read',
    summary: "Move the caller's read marker",
    tag: 'messages',
    auth: true,
    params: IdParams,
    body: ReadMarkerBody,
    responses: { 204: NoContent },
  },
  listNotifications: {
    method: 'GET',
    path: '/api/notifications',
    summary: "The caller's notifications, newest first",
    tag: 'notifications',
    auth: true,
    querystring: NotificationsQuery,
    responses: { 200: NotificationPage },
  },
  readNotification: {
    method: 'POST',
    path: '/api/notifications/:id/read',
    summary: 'Mark one notification read',
    tag: 'notifications',
    auth: true,
    params: IdParams,
    responses: { 204: NoContent },
  },
  readAllNotifications: {
    method: 'POST',
    path: '/api/notifications/read-all',
    summary: 'Mark every notification read',
    tag: 'notifications',
    auth: true,
    responses: { 204: NoContent },
  },
  healthz: {
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    tag: 'operations',
    auth: false,
    responses: { 200: Liveness },
  },
  readyz: {
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness of each backing service (503 when one is down)',
    tag: 'operations',
    auth: false,
    responses: { 200: Readiness, 503: Readiness },
  },
});

export type Api = typeof api;
export type EndpointName = keyof Api;
export { Problem };

/** Fill `:param` placeholders of an endpoint path. */
export function pathFor(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}
