import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MessagePage, NotificationPage } from '@messaging-app/shared';
import { openPageIn, screenshot, uniqueName } from './support/browser';
import type { Tab } from './support/browser';
import { messages, realServerAndBrowser, registerThrough, send, timeout } from './support/chat';

const e2e = realServerAndBrowser({ env: { EMAIL_DELAY: '0.3' } });

// A restarted server needs its own start-up time, and the client's backoff may be at its 15 s cap.
const afterRestart = { timeout: 120_000 };

/** Alice's public room with Bob in it, both looking at it; returns the room's id. */
async function roomOfTwo(alice: Tab, bob: Tab, bobName: string): Promise<string> {
  const roomName = uniqueName('outbox');
  await registerThrough(alice.page, uniqueName('alice'), 'Alice Liddell');
  await registerThrough(bob.page, bobName, 'Bob Builder');
  await alice.page.getByRole('button', { name: 'Create room' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Create a room' });
  await dialog.getByLabel('Name').fill(roomName);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await alice.page.getByRole('heading', { name: roomName }).waitFor(timeout);
  const roomId = new URL(alice.page.url()).pathname.split('/').at(-1) ?? '';
  await bob.page.goto(`/rooms/${roomId}`);
  await bob.page.getByRole('button', { name: /^Join #/ }).click();
  await bob.page.getByRole('textbox', { name: /^Message #/ }).waitFor(timeout);
  await alice.page.getByRole('button', { name: /2 members/ }).waitFor(timeout);
  return roomId;
}

/** Calls the API as the user signed in on this page (its token is in localStorage). */
async function apiAs<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (url) => {
    const raw = localStorage.getItem('messaging-app.session');
    const token = raw ? (JSON.parse(raw) as { accessToken: string }).accessToken : '';
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return (await res.json()) as unknown;
  }, path) as Promise<T>;
}

/** What a browser logs while its server is away: refused connections, nothing else. */
function unexpectedErrors(tab: Tab): string[] {
  return tab.errors.filter(
    (e) => !/ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 503/.test(e),
  );
}

/** The mails the embedded mailer has written so far, as raw text. */
function mailsTo(address: string): string[] {
  const dir = join(e2e.server.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .filter((mail) => mail.includes(address));
}

/** The mailer writes a file and announces it nowhere the test can hear: looking is the event. */
async function firstMailTo(address: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = mailsTo(address);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${address} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('nothing typed is lost', () => {
  it('messages typed while the server is down survive a reload and reach the other person once, in order', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const roomId = await roomOfTwo(alice, bob, uniqueName('bob'));
    await send(alice.page, 'before the outage');
    await messages(bob.page).getByText('before the outage').waitFor(timeout);

    await e2e.server.halt();
    await alice.page.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor(timeout);
    const typed = ['first while down', 'second while down', 'third while down'];
    for (const text of typed) await send(alice.page, text);
    for (const text of typed) await messages(alice.page).getByText(text).waitFor(timeout);
    await messages(alice.page).getByText('Waiting for the connection…').first().waitFor(timeout);
    // Half a thought stays in the composer too.
    await alice.page.getByRole('textbox', { name: /^Message #/ }).fill('a draft, not sent');
    await screenshot(alice.page, '20-outbox-waiting');

    // The reload cannot even load the page while the server is down; the app is gone from the tab.
    await expect(alice.page.reload()).rejects.toThrow(/ERR_CONNECTION_REFUSED/);
    await e2e.server.restart();
    await alice.page.goto(`/rooms/${roomId}`);

    await messages(bob.page).getByText('third while down').waitFor(afterRestart);
    await messages(alice.page)
      .locator('.message.pending')
      .first()
      .waitFor({ state: 'detached', ...timeout });
    expect(await alice.page.getByRole('textbox', { name: /^Message #/ }).inputValue()).toBe(
      'a draft, not sent',
    );
    await screenshot(bob.page, '21-outbox-delivered');

    const seenByBob = (await messages(bob.page).locator('.message-body').allTextContents()).filter((t) =>
      t.endsWith('while down'),
    );
    expect(seenByBob).toEqual(typed);
    const stored = await apiAs<MessagePage>(bob.page, `/api/rooms/${roomId}/messages?limit=100`);
    expect(stored.messages.map((m) => m.body)).toEqual(['before the outage', ...typed]);
    expect(unexpectedErrors(alice)).toEqual([]);
    expect(unexpectedErrors(bob)).toEqual([]);
  }, 300_000);

  it('two tabs of one user show the same queued message and send it once when the server is back', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const roomId = await roomOfTwo(alice, bob, uniqueName('bob'));
    const secondTab = await openPageIn(alice.context);
    const second = secondTab.page;
    await second.goto(`/rooms/${roomId}`);
    await second.getByRole('textbox', { name: /^Message #/ }).waitFor(timeout);
    // Every post that reached the server, from either tab, with its status.
    const answered: number[] = [];
    for (const page of [alice.page, second]) {
      page.on('response', (response) => {
        const request = response.request();
        if (request.method() === 'POST' && request.url().endsWith(`/api/rooms/${roomId}/messages`))
          answered.push(response.status());
      });
    }

    await e2e.server.halt();
    await second.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor(timeout);
    await send(alice.page, 'typed in one tab');
    // The other tab hears of it through the outbox and shows it queued as well.
    await messages(second).getByText('typed in one tab').waitFor(timeout);
    await messages(second).getByText('Waiting for the connection…').waitFor(timeout);
    await e2e.server.restart();

    await messages(bob.page).getByText('typed in one tab').waitFor(afterRestart);
    for (const page of [alice.page, second])
      await messages(page)
        .locator('.message.pending')
        .first()
        .waitFor({ state: 'detached', ...timeout });
    // Both tabs came back and both flush on reconnect; one holds the lease: one post reached the server.
    expect(answered).toEqual([201]);
    const stored = await apiAs<MessagePage>(bob.page, `/api/rooms/${roomId}/messages?limit=100`);
    expect(stored.messages.map((m) => m.body)).toEqual(['typed in one tab']);
    for (const tab of [alice, secondTab, bob]) expect(unexpectedErrors(tab)).toEqual([]);
  }, 300_000);

  it('a mention read in the room is shown as read and never emailed', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const bobName = uniqueName('bob');
    const roomId = await roomOfTwo(alice, bob, bobName);
    const bobAddress = `${bobName}@example.test`;

    // Bob reads the mention live in the room: his read marker passes it.
    const marked = bob.page.waitForResponse(
      (res) => res.url().endsWith(`/api/rooms/${roomId}/read`) && res.status() === 204,
    );
    await send(alice.page, `@${bobName} zebra`);
    await messages(bob.page).getByText('zebra').waitFor(timeout);
    await marked;
    await bob.page.getByRole('link', { name: 'Notifications', exact: true }).waitFor(timeout);
    const notifications = await apiAs<NotificationPage>(bob.page, '/api/notifications');
    expect(notifications.unreadCount).toBe(0);
    expect(notifications.notifications[0]?.readAt).not.toBeNull();
    await bob.page.getByRole('link', { name: 'Notifications', exact: true }).click();
    await bob.page.getByRole('button', { name: /Alice Liddell mentioned you/ }).waitFor(timeout);
    expect(await bob.page.getByText('(unread)').count()).toBe(0);
    await screenshot(bob.page, '22-mention-read-in-room');

    // Bob goes away; once he is offline, a second mention is emailed, and it is the only one in it.
    await alice.page.getByRole('button', { name: /2 members/ }).click();
    await bob.context.close();
    await alice.page
      .getByRole('list', { name: 'Members' })
      .getByRole('listitem')
      .filter({ hasText: 'Bob Builder' })
      .getByLabel('offline')
      .waitFor(timeout);
    await send(alice.page, `@${bobName} mango`);
    const mails = await firstMailTo(bobAddress);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('mango');
    expect(mails[0]).not.toContain('zebra');
    expect(unexpectedErrors(alice)).toEqual([]);
  });
});
