import type { User } from '@messaging-app/shared';
import type { Queryable } from '../db/client.js';
import type { roomParticipants } from '../db/schema.js';
import { cached } from './cached.js';
import type { Cached } from './cached.js';
import type { CacheStore } from './store.js';

type MembershipRow = typeof roomParticipants.$inferSelect;

/** The caches of one API instance. Redis-backed caches are shared by every instance. */
export interface Caches {
  /** A user's membership row in a room, or null: the room gate's question. Key `roomId:userId`. */
  membership: Cached<MembershipRow | null>;
  /** Public user objects (no email) by user id. */
  profile: Cached<User>;
}

const json = <T>() => ({ encode: (v: T) => JSON.stringify(v), decode: (t: string) => JSON.parse(t) as T });

export function createCaches(store: CacheStore, ttlSeconds: number): Caches {
  return {
    membership: cached<MembershipRow | null>('membership', store, ttlSeconds, {
      encode: (v) => JSON.stringify(v),
      decode: (t) => {
        const v = JSON.parse(t) as (Omit<MembershipRow, 'joinedAt'> & { joinedAt: string }) | null;
        return v && { ...v, joinedAt: new Date(v.joinedAt) };
      },
    }),
    profile: cached<User>('profile', store, ttlSeconds, json<User>()),
  };
}

/*
 * Services reach the database through a handle, not the app, and the room gate takes only that
 * handle. Attaching the caches to the root handle means transactions (other handles) always read the
 * database itself, which is what a check inside a transaction needs.
 */
const byDatabase = new WeakMap<object, Caches>();

export function attachCaches(db: Queryable, caches: Caches): void {
  byDatabase.set(db, caches);
}

/** The caches attached to this database handle, if any (none inside a transaction). */
export function cachesOf(db: Queryable): Caches | undefined {
  return byDatabase.get(db);
}

export const membershipKey = (roomId: string, userId: string) => `${roomId}:${userId}`;

/** Forgets a membership everywhere: call after the change commits, before answering. */
export async function forgetMembership(db: Queryable, roomId: string, userId: string): Promise<void> {
  await cachesOf(db)?.membership.invalidate(membershipKey(roomId, userId));
}

/** Forgets a user's public profile everywhere. */
export async function forgetProfile(db: Queryable, userId: string): Promise<void> {
  await cachesOf(db)?.profile.invalidate(userId);
}
