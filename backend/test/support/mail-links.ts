import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { outbox } from '../../src/db/schema.js';
import { accountMailTopic } from '../../src/services/account-mail.js';

/** The token of a link in a mail's text (`…?token=<token>`), or undefined. */
export function linkToken(text: string): string | undefined {
  return /[?&]token=([\w-]+)/.exec(text)?.[1];
}

/**
 * The token of the newest link (email change, password reset) queued for `address`, read from the outbox row the worker
 * would send: for suites that run no worker. Throws when there is none.
 */
export async function queuedLinkToken(db: Db, address: string): Promise<string> {
  const rows = await db
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(eq(outbox.topic, accountMailTopic))
    .orderBy(desc(outbox.id))
    .limit(200);
  for (const { payload } of rows) {
    const mail = (payload as { mail?: { to?: string; text?: string } }).mail;
    const token = mail?.to === address ? linkToken(mail.text ?? '') : undefined;
    if (token) return token;
  }
  throw new Error(`no link queued for ${address}`);
}
