import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Profile } from '@messaging-app/shared';
import { emailChanges } from '../src/db/schema.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { eventually } from './support/eventually.js';
import { linkToken } from './support/mail-links.js';
import type { ReceivedMail, SmtpSink } from './support/smtp-sink.js';
import { startMailingApp } from './support/mailing-app.js';
import type { MailingApp } from './support/mailing-app.js';

/*
 * Issue 17 item 5: a profile email change is a request, confirmed by a link mailed to the new
 * address, with the same answer whether that address is taken. Mails go the real way: outbox, the
 * job queue of this mode (in-process or RabbitMQ), the worker, SMTP.
 */

let mailing: MailingApp;
let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  mailing = await startMailingApp();
  ({ app, sink } = mailing);
});
afterAll(async () => {
  await mailing?.close();
});

const requestChange = (user: TestUser, email: string, currentPassword = user.password) =>
  app.server.inject({
    method: 'PATCH',
    url: '/api/profile',
    headers: user.headers,
    payload: { email, currentPassword },
  });
const confirm = (user: TestUser, token: string) =>
  app.server.inject({
    method: 'POST',
    url: '/api/users/me/email/confirm',
    headers: user.headers,
    payload: { token },
  });
const profileOf = (headers: { authorization: string }) =>
  app.server.inject({ method: 'GET', url: '/api/profile', headers });

async function mailTo(address: string): Promise<ReceivedMail> {
  await eventually(() => sink.to(address).length > 0, `a mail to ${address}`, 15_000);
  const [mail] = sink.to(address);
  if (!mail) throw new Error(`no mail to ${address}`);
  return mail;
}

describe('changing the email of one’s profile', () => {
  it('mails a link to the new address and a notice to the old one; the email changes only when the link is followed, once, and other sessions end', async () => {
    const user = await registerUser(app.server);
    const otherSession = await app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: user.user.username, password: user.password },
    });
    const other = { authorization: `Bearer ${otherSession.json<{ accessToken: string }>().accessToken}` };
    const newAddress = `${uniqueName('new')}@example.test`;

    const started = await requestChange(user, newAddress);
    expect(started.statusCode).toBe(200);
    expect(started.json<Profile>().email).toBe(user.user.email);
    expect((await profileOf(user.headers)).json<Profile>().email).toBe(user.user.email);

    const link = await mailTo(newAddress);
    expect(link.subject).toBe('Confirm your new email address');
    expect(link.text).toContain('https://chat.example.test/profile/confirm-email?token=');
    const notice = await mailTo(user.user.email);
    expect(notice.subject).toBe('Your email address is being changed');
    expect(notice.text).toContain(newAddress);
    expect(linkToken(notice.text)).toBeUndefined();
    const token = linkToken(link.text) ?? '';
    // Only a hash is stored.
    const [row] = await app.ctx.db.select().from(emailChanges).where(eq(emailChanges.userId, user.user.id));
    expect(row?.tokenHash).not.toContain(token);
    expect(row?.tokenHash).toHaveLength(43);

    const confirmed = await confirm(user, token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json<Profile>().email).toBe(newAddress);
    expect((await profileOf(user.headers)).json<Profile>().email).toBe(newAddress);
    expect((await profileOf(other)).statusCode).toBe(401);

    const again = await confirm(user, token);
    expect(again.statusCode).toBe(400);
    expect(problemOf(again).errors).toEqual([expect.objectContaining({ path: 'body.token' })]);
  });

  it('answers a taken address exactly like a free one, and tells the taken address someone tried, with no link', async () => {
    const user = await registerUser(app.server);
    const owner = await registerUser(app.server);
    const free = `${uniqueName('free')}@example.test`;

    const takenAnswer = await requestChange(user, owner.user.email.toUpperCase());
    const freeAnswer = await requestChange(user, free);
    expect(takenAnswer.statusCode).toBe(200);
    expect(takenAnswer.body).toBe(freeAnswer.body);

    const tried = await mailTo(owner.user.email);
    expect(tried.subject).toBe('Someone tried to use this email address');
    expect(linkToken(tried.text)).toBeUndefined();
    await mailTo(free);
    await eventually(() => sink.to(user.user.email).length === 2, 'two notices to the old address', 15_000);
    expect((await profileOf(owner.headers)).json<Profile>().email).toBe(owner.user.email);
  });

  it('refuses a wrong current password, a token of someone else’s change, and an expired one', async () => {
    const user = await registerUser(app.server);
    const stranger = await registerUser(app.server);
    const wrong = await requestChange(user, `${uniqueName('x')}@example.test`, 'not my password');
    expect(wrong.statusCode).toBe(400);
    expect(problemOf(wrong).errors).toEqual([expect.objectContaining({ path: 'body.currentPassword' })]);

    const address = `${uniqueName('mine')}@example.test`;
    expect((await requestChange(user, address)).statusCode).toBe(200);
    const token = linkToken((await mailTo(address)).text) ?? '';
    expect((await confirm(stranger, token)).statusCode).toBe(400);
    await app.ctx.db
      .update(emailChanges)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(emailChanges.userId, user.user.id));
    expect((await confirm(user, token)).statusCode).toBe(400);
    expect((await profileOf(user.headers)).json<Profile>().email).toBe(user.user.email);
  });
});
