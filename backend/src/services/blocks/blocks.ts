import { and, desc, eq } from 'drizzle-orm';
import type { Block } from '@messaging-app/shared';
import type { Queryable } from '../../db/client.js';
import { roomInvitations, userBlocks, users } from '../../db/schema.js';
import type { AppContext } from '../context.js';
import type { Caller } from '../auth/sessions.js';
import { badRequest, notFound } from '../errors.js';
import { iso, toUser } from '../presenters.js';

/**
 * Whether `blockerId` blocked `blockedId`. Invitations and adds ask it; the direct-message feature
 * must ask it too before opening or posting to a conversation (see docs/security.md).
 */
export async function hasBlocked(q: Queryable, blockerId: string, blockedId: string): Promise<boolean> {
  const [row] = await q
    .select({ blockerId: userBlocks.blockerId })
    .from(userBlocks)
    .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, blockedId)))
    .limit(1);
  return row !== undefined;
}

/**
 * Blocks a user; idempotent. Their pending invitations to the caller disappear from the caller's
 * list, while the inviter still sees them pending: nothing tells them about the block.
 */
export async function blockUser(ctx: AppContext, caller: Caller, userId: string): Promise<void> {
  if (userId === caller.userId) throw badRequest('you cannot block yourself');
  const [target] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!target) throw notFound('user');
  await ctx.db.transaction(async (tx) => {
    await tx.insert(userBlocks).values({ blockerId: caller.userId, blockedId: userId }).onConflictDoNothing();
    await tx
      .update(roomInvitations)
      .set({ suppressed: true })
      .where(
        and(
          eq(roomInvitations.inviteeId, caller.userId),
          eq(roomInvitations.inviterId, userId),
          eq(roomInvitations.status, 'pending'),
        ),
      );
  });
}

/** Lifts a block; idempotent. Invitations suppressed while it held stay hidden. */
export async function unblockUser(ctx: AppContext, caller: Caller, userId: string): Promise<void> {
  await ctx.db
    .delete(userBlocks)
    .where(and(eq(userBlocks.blockerId, caller.userId), eq(userBlocks.blockedId, userId)));
}

/** The users the caller blocked, most recent first. */
export async function listBlocks(ctx: AppContext, caller: Caller): Promise<Block[]> {
  const rows = await ctx.db
    .select({ user: users, createdAt: userBlocks.createdAt })
    .from(userBlocks)
    .innerJoin(users, eq(users.id, userBlocks.blockedId))
    .where(eq(userBlocks.blockerId, caller.userId))
    .orderBy(desc(userBlocks.createdAt));
  return rows.map((r) => ({ user: toUser(r.user), createdAt: iso(r.createdAt) }));
}
