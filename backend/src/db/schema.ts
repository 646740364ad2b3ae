import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import {
  bigint,
  bigserial,
  index,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A `timestamp with time zone`, read as a Date. */
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => instant('created_at').notNull().defaultNow();
/** A row that belongs to a user (or a room) and goes when it goes. */
const userOwned = (name: string) =>
  uuid(name)
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' });
const roomOwned = (name: string) =>
  uuid(name)
    .notNull()
    .references(() => rooms.id, { onDelete: 'cascade' });
const seqColumn = (name: string) => bigint(name, { mode: 'number' });

export interface NotificationPrefsColumn {
  email: 'mentions' | 'off';
}

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    avatarUrl: text('avatar_url'),
    passwordHash: text('password_hash').notNull(),
    notificationPrefs: jsonb('notification_prefs')
      .$type<NotificationPrefsColumn>()
      .notNull()
      .default({ email: 'mentions' }),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
  ],
);

/** A login: one refresh-token family. Revoking it revokes every token of the family at once. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userOwned('user_id'),
    createdAt: createdAt(),
    lastUsedAt: instant('last_used_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    revokedReason: text('revoked_reason'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/** Refresh tokens are stored as SHA-256 hashes; a spent one that comes back marks its family as stolen. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    spentAt: instant('spent_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_session_idx').on(t.sessionId),
  ],
);

export const rooms = pgTable(
  'rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    visibility: text('visibility', { enum: ['public', 'private'] }).notNull(),
    /** `dm`: a direct conversation of a fixed set of people (always private, never listed). */
    kind: text('kind', { enum: ['room', 'dm'] })
      .notNull()
      .default('room'),
    /** A DM's sorted member ids joined by commas: unique, so one set of people has one DM. */
    dmKey: text('dm_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** The seq of the room's newest event; bumped under the row lock in every event's transaction. */
    lastSeq: seqColumn('last_seq').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('rooms_visibility_name_idx').on(t.visibility, sql`lower(${t.name})`),
    uniqueIndex('rooms_dm_key_key').on(t.dmKey),
    // Two public rooms cannot share a name up to case; private rooms and DMs may.
    uniqueIndex('rooms_public_name_lower_key')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.visibility} = 'public'`),
  ],
);

export const roomParticipants = pgTable(
  'room_participants',
  {
    roomId: roomOwned('room_id'),
    userId: userOwned('user_id'),
    role: text('role', { enum: ['owner', 'admin', 'member'] }).notNull(),
    lastReadSeq: seqColumn('last_read_seq').notNull().default(0),
    joinedAt: instant('joined_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_participants_user_idx').on(t.userId)],
);

/** A reply's root, and a root's summary of its replies (kept in the reply's transaction). */
function threadColumns() {
  return {
    threadId: uuid('thread_id').references((): AnyPgColumn => messages.id, { onDelete: 'cascade' }),
    /** A reply also shown in the room's timeline. */
    alsoToRoom: boolean('also_to_room').notNull().default(false),
    replyCount: integer('reply_count').notNull().default(0),
    lastReplyAt: timestamp('last_reply_at', { withTimezone: true, mode: 'date' }),
    threadParticipantIds: uuid('thread_participant_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
  };
}

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: roomOwned('room_id'),
    /** The seq of the `message.new` event that created the message. */
    seq: seqColumn('seq').notNull(),
    senderId: userOwned('sender_id'),
    body: text('body').notNull(),
    clientMsgId: uuid('client_msg_id'),
    createdAt: createdAt(),
    editedAt: instant('edited_at'),
    deletedAt: instant('deleted_at'),
    ...threadColumns(),
  },
  (t) => [
    index('messages_thread_seq_idx')
      .on(t.threadId, t.seq)
      .where(sql`${t.threadId} is not null`),
    uniqueIndex('messages_room_seq_key').on(t.roomId, t.seq),
    uniqueIndex('messages_room_sender_client_msg_key').on(t.roomId, t.senderId, t.clientMsgId),
    index('messages_sender_idx').on(t.senderId),
  ],
);

/** Who made a membership change (`Ann added Bob`) and the role a `member.updated` gave. */
function memberEventColumns() {
  return {
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    role: text('role', { enum: ['owner', 'admin', 'member'] }),
  };
}

/**
 * The room's event log: every room-visible change with its gap-free seq. Replay reads
 * "events of room R after seq N" from here and joins the current state of the message or user.
 */
export const roomEvents = pgTable(
  'room_events',
  {
    roomId: roomOwned('room_id'),
    seq: seqColumn('seq').notNull(),
    type: text('type', {
      enum: [
        'message.new',
        'message.updated',
        'message.deleted',
        'member.joined',
        'member.left',
        'reaction.added',
        'reaction.removed',
        'member.updated',
        'room.updated',
      ],
    }).notNull(),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The emoji of a `reaction.*` event (its user is `userId`, its message `messageId`). */
    emoji: text('emoji'),
    createdAt: createdAt(),
    ...memberEventColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.seq] }),
    index('room_events_message_idx').on(t.messageId),
    index('room_events_membership_idx')
      .on(t.roomId, t.seq)
      .where(sql`${t.type} like 'member.%'`),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userOwned('user_id'),
    type: text('type', { enum: ['mention', 'room_invite'] }).notNull(),
    roomId: uuid('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    preview: text('preview').notNull(),
    createdAt: createdAt(),
    readAt: instant('read_at'),
    /** Set once the notification went out in an email: a redelivered job sends nothing twice. */
    emailedAt: instant('emailed_at'),
    /**
     * The digest this notification belongs to, claimed before any SMTP traffic: its Message-ID is
     * derived from it, so a digest sent again after a crash carries the same Message-ID.
     */
    emailClaim: uuid('email_claim'),
    /** When a sender took the claim; null while nobody is sending it (its lease ran out or it failed). */
    emailClaimedAt: instant('email_claimed_at'),
    /** When a job is next expected to look at it; the sweeper re-enqueues what is overdue. */
    emailNextAt: instant('email_next_at'),
    /** Why no email will be sent for it (`online`, `prefs`): the sweeper leaves it alone. */
    emailSkipped: text('email_skipped', { enum: ['online', 'prefs'] }),
    /** Failed deliveries of its job so far, and the last error. */
    emailAttempts: integer('email_attempts').notNull().default(0),
    emailError: text('email_error'),
    /** Set when its job used up every attempt: listed and replayed by `main.js dead-letters`. */
    emailDeadAt: instant('email_dead_at'),
    /** The invitation a `room_invite` asks to accept; null for a plain add. */
    invitationId: uuid('invitation_id').references(() => roomInvitations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    index('notifications_email_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.emailedAt} is null and ${t.readAt} is null`),
    index('notifications_email_claim_idx')
      .on(t.emailClaim)
      .where(sql`${t.emailClaim} is not null`),
    index('notifications_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    index('notifications_user_unread_idx')
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    uniqueIndex('notifications_user_message_type_key').on(t.userId, t.messageId, t.type),
    index('notifications_message_idx').on(t.messageId),
    index('notifications_room_idx').on(t.roomId),
    index('notifications_invitation_idx').on(t.invitationId),
  ],
);

/**
 * An add that waits for the invitee's consent: one row per room and invitee (a repeated add answers
 * the same row). A suppressed row comes from someone the invitee blocked: the inviter sees an
 * ordinary pending invitation, the invitee never sees it.
 */
export const roomInvitations = pgTable(
  'room_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: roomOwned('room_id'),
    inviterId: userOwned('inviter_id'),
    inviteeId: userOwned('invitee_id'),
    status: text('status', { enum: ['pending', 'accepted', 'declined'] })
      .notNull()
      .default('pending'),
    suppressed: boolean('suppressed').notNull().default(false),
    createdAt: createdAt(),
    respondedAt: instant('responded_at'),
  },
  (t) => [
    uniqueIndex('room_invitations_room_invitee_key').on(t.roomId, t.inviteeId),
    index('room_invitations_inviter_created_idx').on(t.inviterId, t.createdAt),
    index('room_invitations_invitee_pending_idx')
      .on(t.inviteeId, t.createdAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** Who blocked whom. Invitations, adds and (when built) direct messages check it. */
export const userBlocks = pgTable(
  'user_blocks',
  {
    blockerId: userOwned('blocker_id'),
    blockedId: userOwned('blocked_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index('user_blocks_blocked_idx').on(t.blockedId),
  ],
);

/** A room's ban list: a banned user cannot join, be added or accept an invitation. */
export const roomBans = pgTable(
  'room_bans',
  {
    roomId: roomOwned('room_id'),
    userId: userOwned('user_id'),
    bannedBy: uuid('banned_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index('room_bans_user_idx').on(t.userId)],
);

/** Earlier texts of edited messages, kept for members to see; removed with the message's deletion. */
export const messageEdits = pgTable(
  'message_edits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    /** When this text was written: the message's createdAt for the original, else the edit before. */
    writtenAt: timestamp('written_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** When an edit replaced it. */
    replacedAt: timestamp('replaced_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('message_edits_message_idx').on(t.messageId, t.replacedAt)],
);

/** One row per (message, user, emoji): the key makes concurrent toggles from any instance safe. */
export const messageReactions = pgTable(
  'message_reactions',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId, t.emoji] }),
    index('message_reactions_user_idx').on(t.userId),
  ],
);

/** How far a user read a thread: its replies up to this seq are read (per thread, not per room). */
export const threadReads = pgTable(
  'thread_reads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    lastReadSeq: seqColumn('last_read_seq').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.messageId] }),
    index('thread_reads_message_idx').on(t.messageId),
  ],
);

/**
 * An email change waiting for its link to be followed: at most one per user, the link's token stored
 * only as a SHA-256 hash, deleted when used or replaced. Rows are written only for addresses no other
 * account has (a taken address gets a mail saying so, and no row).
 */
export const emailChanges = pgTable(
  'email_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userOwned('user_id'),
    newEmail: text('new_email').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: instant('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('email_changes_user_key').on(t.userId),
    uniqueIndex('email_changes_token_hash_key').on(t.tokenHash),
  ],
);

/**
 * A password reset link not yet followed: at most one per user (a newer request replaces it), the
 * link's token stored only as a SHA-256 hash, deleted when used.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userOwned('user_id'),
    tokenHash: text('token_hash').notNull(),
    expiresAt: instant('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('password_resets_user_key').on(t.userId),
    uniqueIndex('password_resets_token_hash_key').on(t.tokenHash),
  ],
);

/** Side effects waiting to be published to the broker after their transaction committed. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    availableAt: instant('available_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: instant('sent_at'),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.availableAt, t.id)
      .where(sql`${t.sentAt} is null`),
  ],
);

export const schema = {
  users,
  sessions,
  refreshTokens,
  rooms,
  roomParticipants,
  messages,
  roomEvents,
  notifications,
  roomInvitations,
  userBlocks,
  roomBans,
  messageEdits,
  messageReactions,
  threadReads,
  emailChanges,
  passwordResets,
  outbox,
};
