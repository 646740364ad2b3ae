import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { passwordResetAcceptedDetail } from '@messaging-app/shared';
import { outbox, passwordResets } from '../src/db/schema.js';
import { accountMailTopic } from '../src/services/account-mail.js';
import type { TestApp } from './support/app.js';
import { problemOf, registerUser, uniqueName } from './support/factories.js';
import type { TestUser } from './support/factories.js';
import { eventually } from './support/eventually.js';
import { linkToken } from './support/mail-links.js';
import type { ReceivedMail, SmtpSink } from './support/smtp-sink.js';
import { startMailingApp } from './support/mailing-app.js';
import type { MailingApp } from './support/mailing-app.js';
import { WsClient, wsUrl } from './support/ws-client.js';

/*
 * Issue 15 item 3: "Forgot password?" by email. A single-use link with a short expiry, stored hashed;
 * the same answer whether the address has an account; limited per address; a reset ends every
 * session. Mails go the real way: outbox, this mode's job queue (in-process or RabbitMQ), the worker,
 * SMTP to an in-process server.
 */

let mailing: MailingApp;
let app: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  mailing = await startMailingApp();
  ({ app, sink } = mailing);
  await app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await mailing?.close();
});

const askReset = (email: string) =>
  app.server.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
const confirmReset = (token: string, password: string) =>
  app.server.inject({
    method: 'POST',
    url: '/api/auth/password-reset/confirm',
    payload: { token, password },
  });
const login = (user: TestUser, password: string) =>
  app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { login: user.user.username, password },
  });

async function mailsTo(address: string, count: number): Promise<ReceivedMail[]> {
  await eventually(() => sink.to(address).length >= count, `${count} mail(s) to ${address}`, 15_000);
  return sink.to(address);
}

async function resetLink(user: TestUser, nth = 1): Promise<string> {
  const mails = await mailsTo(user.user.email, nth);
  const mail = mails[nth - 1];
  const token = mail ? linkToken(mail.text) : undefined;
  if (!token) throw new Error(`no reset link in mail ${nth} to ${user.user.email}`);
  return token;
}

describe('password reset by email', () => {
  it('mails a single-use link; following it sets the new password and ends every session, sockets included', async () => {
    const user = await registerUser(app.server);
    const socket = await WsClient.connect(wsUrl(app.server), user.accessToken);

    const asked = await askReset(user.user.email.toUpperCase());
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ detail: passwordResetAcceptedDetail });
    const [mail] = await mailsTo(user.user.email, 1);
    expect(mail?.subject).toBe('Reset your password');
    expect(mail?.text).toContain('https://chat.example.test/reset-password?token=');
    expect(mail?.text).toContain('within 30 minutes');
    const token = await resetLink(user);
    // Only a hash of the token is stored.
    const [row] = await app.ctx.db
      .select()
      .from(passwordResets)
      .where(eq(passwordResets.userId, user.user.id));
    expect(row?.tokenHash).toBeDefined();
    expect(row?.tokenHash).not.toContain(token);

    const newPassword = `a new passphrase ${uniqueName()}`;
    const done = await confirmReset(token, newPassword);
    expect(done.statusCode).toBe(204);
    // The old session is over, on its socket too; the old password no longer works, the new one does.
    expect((await socket.closing()).code).toBe(4409);
    const oldToken = await app.server.inject({ url: '/api/profile', headers: user.headers });
    expect(oldToken.statusCode).toBe(401);
    const refresh = await app.server.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await login(user, user.password)).statusCode).toBe(401);
    expect((await login(user, newPassword)).statusCode).toBe(200);

    // Used once: the same link again is refused, and the password stays.
    const again = await confirmReset(token, `another passphrase ${uniqueName()}`);
    expect(again.statusCode).toBe(400);
    expect(problemOf(again).errors).toEqual([expect.objectContaining({ path: 'body.token' })]);
    expect((await login(user, newPassword)).statusCode).toBe(200);
  });

  it('answers an address with no account exactly like one with an account, and mails nobody', async () => {
    const user = await registerUser(app.server);
    const nobody = `${uniqueName('nobody')}@example.test`;
    const known = await askReset(user.user.email);
    const unknown = await askReset(nobody);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    await mailsTo(user.user.email, 1);
    // Nothing was queued for the unknown address (the answer came after the transaction did).
    const queued = await app.ctx.db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(eq(outbox.topic, accountMailTopic));
    expect(queued.filter((row) => JSON.stringify(row.payload).includes(nobody))).toEqual([]);
    expect(sink.to(nobody)).toEqual([]);
  });

  it('refuses an expired link, a newer link replaces an older one, and the policy applies to the new password', async () => {
    const user = await registerUser(app.server);
    await askReset(user.user.email);
    const first = await resetLink(user, 1);
    await askReset(user.user.email);
    const second = await resetLink(user, 2);
    expect(second).not.toBe(first);
    expect((await confirmReset(first, `a good passphrase ${uniqueName()}`)).statusCode).toBe(400);

    const weak = await confirmReset(second, 'password');
    expect(weak.statusCode).toBe(400);
    expect(problemOf(weak).errors).toEqual([expect.objectContaining({ path: 'body.password' })]);
    const containsName = await confirmReset(second, `x${user.user.username}x`);
    expect(problemOf(containsName).errors).toEqual([expect.objectContaining({ path: 'body.password' })]);

    // The link outlives neither its 30 minutes nor a refused attempt's check: expire it in the store.
    await app.ctx.db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResets.userId, user.user.id));
    const late = await confirmReset(second, `a good passphrase ${uniqueName()}`);
    expect(late.statusCode).toBe(400);
    expect(problemOf(late).errors).toEqual([expect.objectContaining({ path: 'body.token' })]);
    expect((await login(user, user.password)).statusCode).toBe(200);
  });

  it('sends at most three reset mails an hour to one address, and refuses the same way for an address with no account', async () => {
    const user = await registerUser(app.server);
    const nobody = `${uniqueName('nobody')}@example.test`;
    for (const address of [user.user.email, nobody]) {
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push((await askReset(address)).statusCode);
      expect(answers).toEqual([202, 202, 202, 429, 429]);
    }
    const refused = await askReset(user.user.email);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(problemOf(refused).code).toBe('rate_limited');
    await mailsTo(user.user.email, 3);
    expect(sink.to(user.user.email)).toHaveLength(3);
  });

  it('refuses malformed requests with 400 and never reveals anything', async () => {
    expect((await askReset('not an email')).statusCode).toBe(400);
    expect((await confirmReset('', 'a good passphrase')).statusCode).toBe(400);
    const unknown = await confirmReset('made-up-token', `a good passphrase ${uniqueName()}`);
    expect(unknown.statusCode).toBe(400);
    expect(problemOf(unknown).errors).toEqual([expect.objectContaining({ path: 'body.token' })]);
  });
});
