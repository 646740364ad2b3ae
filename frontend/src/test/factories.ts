import type { Message, MyRoom, Notification, Profile, User } from '@messaging-app/shared';

let n = 0;
const next = () => (n += 1);
const id = () => crypto.randomUUID();

export function aUser(overrides: Partial<User> = {}): User {
  const i = next();
  return {
    id: id(),
    username: `user${i}`,
    displayName: `User ${i}`,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export function aProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    ...aUser(),
    email: `me${next()}@example.test`,
    notificationPrefs: { email: 'mentions' },
    ...overrides,
  };
}

export function aRoom(overrides: Partial<MyRoom> = {}): MyRoom {
  const i = next();
  return {
    id: id(),
    name: `room-${i}`,
    description: '',
    visibility: 'public',
    kind: 'room',
    createdAt: new Date().toISOString(),
    lastSeq: 0,
    role: 'member',
    unreadCount: 0,
    lastReadSeq: 0,
    lastMessage: null,
    ...overrides,
  };
}

export function aMessage(roomId: string, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: id(),
    roomId,
    seq,
    sender: aUser(),
    body: `message ${seq}`,
    createdAt: new Date().toISOString(),
    reactions: [],
    ...overrides,
  };
}

export function aNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    id: id(),
    type: 'mention',
    roomId: id(),
    roomName: 'general',
    messageId: id(),
    seq: 1,
    actor: aUser({ displayName: 'Alice' }),
    preview: '@me look at this',
    createdAt: new Date().toISOString(),
    readAt: null,
    ...overrides,
  };
}
