import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot, uniqueName } from './support/browser';
import { realServerAndBrowser, registerThrough, timeout } from './support/chat';

const e2e = realServerAndBrowser();

/** A mail file as text: quoted-printable soft breaks joined and escapes decoded. */
function decoded(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The embedded mailer writes `DATA_DIR/mail/*.eml` and tells nobody: looking is the event. */
async function mailTo(address: string, subject: string, timeoutMs = 30_000): Promise<string> {
  const dir = join(e2e.server.dataDir, 'mail');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.eml'))
          .map((name) => decoded(readFileSync(join(dir, name), 'utf8')))
          .find((mail) => mail.includes(address) && mail.includes(subject))
      : undefined;
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no "${subject}" mail to ${address} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('account recovery', () => {
  it('a person who forgot their password gets a link by email, sets a new one and signs in with it', async () => {
    const { page, errors } = await e2e.openTab();
    const username = uniqueName('forgetful');
    await registerThrough(page, username, 'Forgetful Fred');
    await page.getByRole('button', { name: 'Log out' }).first().click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(timeout);

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(`${username}@example.test`);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'a link to reset its password is on its way' })
      .waitFor(timeout);
    await screenshot(page, '40-forgot-password-sent');

    const mail = await mailTo(`${username}@example.test`, 'Reset your password');
    const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail)?.[0];
    if (!link) throw new Error(`no reset link in the mail:\n${mail}`);
    const { pathname, search } = new URL(link);
    await page.goto(pathname + search);
    await page.getByLabel('New password').fill('a fresh passphrase for fred');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor(timeout);
    await screenshot(page, '41-password-reset-done');

    // The old password is refused; the new one signs in.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor(timeout);
    await page.getByLabel('Password').fill('a fresh passphrase for fred');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Log out' }).first().waitFor(timeout);

    // The link is spent: following it again says so, with a way to ask for another.
    await page.getByRole('button', { name: 'Log out' }).first().click();
    await page.goto(pathname + search);
    await page.getByLabel('New password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByRole('alert').filter({ hasText: 'This link is not valid any more' }).waitFor(timeout);
    expect(await page.getByRole('link', { name: 'Ask for a new link' }).getAttribute('href')).toBe(
      '/forgot-password',
    );
    expect(errors.filter((e) => !/status of 40[01]/.test(e))).toEqual([]);
  });
});
