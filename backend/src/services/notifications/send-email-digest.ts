import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { messages, notifications, roomInvitations, roomParticipants, rooms, users } from '../../db/schema.js';
import type { Mailer } from '../../mail/mailer.js';
import type { AppContext } from '../context.js';
import { renderDigest } from './digest.js';
import type { DigestItem } from './digest.js';
import { preview } from './create.js';
import { claimDigest } from './email-claim.js';
import { markEmailed } from './mark-emailed.js';

/** Digests one job may send: orphans sent again, then one fresh digest of what is pending. */
const digestsPerJob = 5;

/** Why a job sent nothing: `nothing_pending` covers read, deleted, left the room and already sent. */
export type SkipReason = 'online' | 'prefs_off' | 'nothing_pending' | 'claimed' | 'no_user';

export type DigestOutcome = { sent: number; messageIds: string[] } | { sent: 0; skipped: SkipReason };

/** The Message-ID of a claimed digest: the same for every sending of it. */
export function messageIdOf(claim: string, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'localhost';
  return `<digest.${claim}@${host}>`;
}

/** Pending for email: unread, not emailed, its message not deleted, the recipient still in its room. */
function pendingFor(userId: string) {
  return and(
    eq(notifications.userId, userId),
    isNull(notifications.readAt),
    isNull(notifications.emailedAt),
    isNull(messages.deletedAt),
    // Someone removed from a (private) room must not get its content by email.
    or(
      isNull(notifications.roomId),
      sql`exists (select 1 from ${roomParticipants} where ${roomParticipants.roomId} = ${notifications.roomId} and ${roomParticipants.userId} = ${notifications.userId})`,
      // An invitation still waiting for an answer is emailed to its invitee, who is not a member yet.
      sql`exists (select 1 from ${roomInvitations} where ${roomInvitations.id} = ${notifications.invitationId} and ${roomInvitations.status} = 'pending' and not ${roomInvitations.suppressed})`,
    ),
  );
}

/** Marks the recipient's due, pending notifications as deliberately not emailed, so no sweep revives them. */
async function skipDue(ctx: AppContext, userId: string, reason: 'online' | 'prefs'): Promise<void> {
  await ctx.db
    .update(notifications)
    .set({ emailSkipped: reason, emailNextAt: null })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        isNull(notifications.emailedAt),
        isNull(notifications.emailSkipped),
        lte(notifications.createdAt, sql`now() - make_interval(secs => ${ctx.config.emailDelayMs / 1000})`),
      ),
    );
}

/** The claimed notifications that are still worth mailing, as the email shows them. */
async function itemsOf(ctx: AppContext, userId: string, claim: string) {
  const rows = await ctx.db
    .select({
      id: notifications.id,
      type: notifications.type,
      roomId: notifications.roomId,
      messageId: notifications.messageId,
      preview: notifications.preview,
      roomName: rooms.name,
      actorName: users.displayName,
      body: messages.body,
      invitationId: notifications.invitationId,
    })
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.actorId))
    .leftJoin(rooms, eq(rooms.id, notifications.roomId))
    .leftJoin(messages, eq(messages.id, notifications.messageId))
    .where(and(pendingFor(userId), eq(notifications.emailClaim, claim)))
    .orderBy(asc(notifications.createdAt), asc(notifications.id));
  const items: DigestItem[] = rows.map((r) => ({
    type: r.type,
    roomId: r.roomId,
    roomName: r.roomName,
    actorName: r.actorName,
    // The current text: an edit after the mention shows as edited, not as the original.
    excerpt: r.body !== null ? preview(r.body) : r.preview,
    messageId: r.messageId,
    invitation: r.invitationId !== null,
  }));
  return { ids: rows.map((r) => r.id), items };
}

/**
 * Emails a recipient every notification still pending for them, in one message per digest, if
 * they are offline everywhere and their preferences allow.
 *
 * No SMTP traffic ever happens inside a database transaction (on PGlite every query would wait
 * behind it). Instead, three steps: a short committed transaction claims the notifications under
 * a fresh token (`email-claim.ts`); the mail goes out with a Message-ID derived from that token;
 * then `emailed_at` is committed (`mark-emailed.ts`, retried until the database takes it). A crash
 * between the server's acceptance and that commit is the only way to a second copy, and that copy
 * carries the same Message-ID: whoever sends an orphaned claim again reuses its token.
 */
export async function sendEmailDigest(
  ctx: AppContext,
  mailer: Mailer,
  userId: string,
): Promise<DigestOutcome> {
  const [recipient] = await ctx.db
    .select({ email: users.email, displayName: users.displayName, prefs: users.notificationPrefs })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!recipient) return { sent: 0, skipped: 'no_user' };
  // `mentions` covers the personal notifications (mentions and invites); `off` stops every email.
  if (recipient.prefs.email === 'off') {
    await skipDue(ctx, userId, 'prefs');
    return { sent: 0, skipped: 'prefs_off' };
  }
  if ((await ctx.presence.online([userId])).has(userId)) {
    await skipDue(ctx, userId, 'online');
    return { sent: 0, skipped: 'online' };
  }

  const messageIds: string[] = [];
  let sent = 0;
  let busy = false;
  for (let round = 0; round < digestsPerJob; round += 1) {
    const claimed = await claimDigest(ctx, userId, pendingFor(userId));
    if (claimed === 'held') busy = true;
    if (claimed === 'held' || claimed === null) break;
    const { ids, items } = await itemsOf(ctx, userId, claimed.claim);
    // Everything in it was read (or deleted) since it was claimed: nothing to say any more.
    if (items.length === 0) {
      if (claimed.orphan) continue;
      break;
    }
    const messageId = messageIdOf(claimed.claim, ctx.config.publicUrl);
    const rendered = renderDigest({
      recipientName: recipient.displayName,
      items,
      publicUrl: ctx.config.publicUrl,
    });
    try {
      await mailer.send({ to: recipient.email, ...rendered, messageId });
    } catch (error) {
      // Nothing accepted (or unknown): give the claim up so that the retry sends it again, same token.
      await ctx.db
        .update(notifications)
        .set({ emailClaimedAt: null })
        .where(and(eq(notifications.emailClaim, claimed.claim), isNull(notifications.emailedAt)))
        .catch((releaseError: unknown) =>
          ctx.log.warn({ err: releaseError }, 'could not release an email claim; its lease will run out'),
        );
      throw error;
    }
    await markEmailed(ctx, ids);
    messageIds.push(messageId);
    sent += ids.length;
    // One fresh digest per job: what arrives meanwhile waits for its own job (and its delay).
    if (!claimed.orphan) break;
  }
  if (sent > 0) return { sent, messageIds };
  return { sent: 0, skipped: busy ? 'claimed' : 'nothing_pending' };
}
