import { createHash } from 'node:crypto';
import type { Tx } from '../db/client.js';
import { outbox } from '../db/schema.js';
import type { OutgoingMail } from '../mail/mailer.js';
import type { AppContext } from './context.js';

/** Outbox topic of a rendered account mail (email change, password reset); the worker sends it as it is. */
export const accountMailTopic = 'account.mail';

/** Link tokens are stored only as this hash: a database leak hands out no working link. */
export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('base64url');

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain account mail of a few paragraphs, as text and HTML. */
export function accountMail(
  ctx: AppContext,
  id: string,
  to: string,
  subject: string,
  lines: string[],
): OutgoingMail {
  const host = new URL(ctx.config.publicUrl).hostname || 'localhost';
  return {
    to,
    subject,
    text: `${lines.join('\n\n')}\n`,
    html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n'),
    // Stable across the worker's retries: a receiving server drops a copy sent twice.
    messageId: `<${id}@${host}>`,
  };
}

/** Queues account mails in the caller's transaction: they go out once it commits (the outbox relay). */
export async function queueAccountMails(tx: Tx, mails: OutgoingMail[]): Promise<void> {
  await tx.insert(outbox).values(mails.map((m) => ({ topic: accountMailTopic, payload: { mail: m } })));
}
