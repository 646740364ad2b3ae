import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { messages, notifications, roomParticipants, rooms, users } from '../../db/schema.js';
import type { Mailer } from '../../mail/mailer.js';
import type { AppContext } from '../context.js';
import { renderDigest } from './digest.js';
import type { DigestItem } from './digest.js';
import { preview } from './create.js';

/** Notifications per email; the rest go out with the recipient's next job. */
const digestMax = 50;

export type DigestOutcome =
  { sent: number } | { sent: 0; skipped: 'no_user' | 'prefs_off' | 'online' | 'nothing_pending' };

function messageIdOf(ids: string[], publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'localhost';
  const digest = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32);
  return `<digest.${digest}@${host}>`;
}

/**
 * Emails a recipient every notification still pending for them, in ONE message, if they are
 * offline everywhere and their preferences allow. Pending means unread, not emailed yet, its
 * message not deleted and the recipient still in the room.
 *
 * Exactly once, as far as SMTP allows (it has no two-phase commit): the rows are locked and
 * marked `emailed_at` in a transaction, the mail is staged (envelope and body transferred, the
 * final "." held back), and then the end of the mail and the COMMIT leave together, in one tick.
 * A crash before that point leaves an unfinished mail, which the server discards, and an aborted
 * transaction, so the redelivered job sends it once; a crash after it leaves both done. A
 * concurrent job for the same recipient skips the locked rows. If the server refuses the ended
 * mail, the marks are cleared again and the job is retried. The Message-ID is stable, so a
 * receiver can still drop the copy that the remaining microsecond could produce.
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
  if (recipient.prefs.email === 'off') return { sent: 0, skipped: 'prefs_off' };
  if ((await ctx.presence.online([userId])).has(userId)) return { sent: 0, skipped: 'online' };

  const staged = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: notifications.id,
        type: notifications.type,
        roomId: notifications.roomId,
        preview: notifications.preview,
        roomName: rooms.name,
        actorName: users.displayName,
        body: messages.body,
        seq: messages.seq,
      })
      .from(notifications)
      .leftJoin(users, eq(users.id, notifications.actorId))
      .leftJoin(rooms, eq(rooms.id, notifications.roomId))
      .leftJoin(messages, eq(messages.id, notifications.messageId))
      .where(
        and(
          eq(notifications.userId, userId),
          isNull(notifications.readAt),
          isNull(notifications.emailedAt),
          isNull(messages.deletedAt),
          // Someone removed from a (private) room must not get its content by email.
          or(
            isNull(notifications.roomId),
            sql`exists (select 1 from ${roomParticipants} where ${roomParticipants.roomId} = ${notifications.roomId} and ${roomParticipants.userId} = ${notifications.userId})`,
          ),
        ),
      )
      .orderBy(asc(notifications.createdAt), asc(notifications.id))
      .limit(digestMax)
      // Another worker holding some of these rows is emailing them right now: leave them to it.
      .for('update', { of: notifications, skipLocked: true });
    if (rows.length === 0) return null;

    const items: DigestItem[] = rows.map((r) => ({
      type: r.type,
      roomId: r.roomId,
      roomName: r.roomName,
      actorName: r.actorName,
      // The current text: an edit after the mention shows as edited, not as the original.
      excerpt: r.body !== null ? preview(r.body) : r.preview,
      seq: r.seq,
    }));
    const ids = rows.map((r) => r.id);
    const rendered = renderDigest({
      recipientName: recipient.displayName,
      items,
      publicUrl: ctx.config.publicUrl,
    });
    await tx.update(notifications).set({ emailedAt: new Date() }).where(inArray(notifications.id, ids));
    const mail = await mailer.stage({
      to: recipient.email,
      ...rendered,
      messageId: messageIdOf(ids, ctx.config.publicUrl),
    });
    // The final "." goes out now; the COMMIT follows when this callback returns, in the same tick.
    const accepted = mail.finish();
    // Awaited (and its failure rethrown) right after the commit; this only keeps a refusal that
    // arrives before then from counting as an unhandled rejection.
    accepted.catch(() => undefined);
    return { ids, accepted };
  });
  if (!staged) return { sent: 0, skipped: 'nothing_pending' };
  try {
    await staged.accepted;
  } catch (error) {
    // Refused (or cut off before the server's answer): unmark, so that the retry sends the digest.
    await ctx.db.update(notifications).set({ emailedAt: null }).where(inArray(notifications.id, staged.ids));
    throw error;
  }
  return { sent: staged.ids.length };
}
