import { describe, expect, it } from 'vitest';
import { cuttableSockets, screenshot, uniqueName } from './support/browser';
import type { Tab } from './support/browser';
import { messages, realServerAndBrowser, registerThrough, send, timeout } from './support/chat';

const e2e = realServerAndBrowser();

function expectNoConsoleErrors(...tabs: Tab[]) {
  expect(tabs.flatMap((t) => t.errors)).toEqual([]);
}

describe('the web client against the real server', () => {
  it('two people chat live, see history after a reload, get mentioned, catch up after going offline, and log out', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const bobNetwork = await cuttableSockets(bob.context);
    const aliceName = uniqueName('alice');
    const bobName = uniqueName('bob');
    const roomName = uniqueName('general');

    await alice.page.goto('/');
    await alice.page.getByRole('heading', { name: 'Sign in' }).waitFor(timeout);
    await screenshot(alice.page, '01-login');

    await registerThrough(alice.page, aliceName, 'Alice Liddell');
    await registerThrough(bob.page, bobName, 'Bob Builder');

    // Alice creates a public room.
    await alice.page.getByRole('button', { name: 'Create room' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name').fill(roomName);
    await dialog.getByLabel('Description (optional)').fill('Everything and nothing');
    await screenshot(alice.page, '03-create-room');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await alice.page.getByRole('heading', { name: roomName }).waitFor(timeout);

    // Bob discovers and joins it.
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const browse = bob.page.getByRole('dialog', { name: 'Browse rooms' });
    await browse.getByLabel('Search public rooms').fill(roomName);
    await browse.getByRole('button', { name: `Join ${roomName}` }).waitFor(timeout);
    await screenshot(bob.page, '04-browse-rooms');
    await browse.getByRole('button', { name: `Join ${roomName}` }).click();
    await bob.page.getByRole('heading', { name: roomName }).waitFor(timeout);

    // Alice sees Bob among the members, online.
    await alice.page.getByRole('button', { name: /2 members/ }).click();
    const members = alice.page.getByRole('list', { name: 'Members' });
    await members
      .getByRole('listitem')
      .filter({ hasText: 'Bob Builder' })
      .getByLabel('online')
      .waitFor(timeout);
    await screenshot(alice.page, '04b-members');
    await alice.page.keyboard.press('Escape');
    await members.waitFor({ state: 'detached', ...timeout });

    // Typing shows on the other side, and goes away when the message lands.
    const aliceBox = alice.page.getByRole('textbox', { name: /^Message #/ });
    await aliceBox.pressSequentially('Hello Bob, welcome!', { delay: 10 });
    await bob.page.getByText('Alice Liddell is typing…').waitFor(timeout);
    await screenshot(bob.page, '05b-typing');
    await aliceBox.fill('Hello Bob, welcome! See https://example.com/docs.');
    await aliceBox.press('Enter');
    await bob.page.getByText('Alice Liddell is typing…').waitFor({ state: 'detached', ...timeout });

    // Live both ways.
    await messages(bob.page).getByText('Hello Bob, welcome!').waitFor(timeout);
    await send(bob.page, 'Thanks Alice 👋\nGlad to be here.');
    await messages(alice.page).getByText('Glad to be here.').waitFor(timeout);
    const link = messages(bob.page).getByRole('link', { name: 'https://example.com/docs' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await send(alice.page, '<b>not bold</b> and a '.padEnd(60, 'x') + 'y'.repeat(300));
    await messages(bob.page).getByText('<b>not bold</b>', { exact: false }).waitFor(timeout);
    expect(await messages(bob.page).locator('b').count()).toBe(0);
    await screenshot(alice.page, '05-room-alice');
    await screenshot(bob.page, '06-room-bob');

    // A reload shows the history from the server.
    await bob.page.reload();
    await messages(bob.page).getByText('Hello Bob, welcome!').waitFor(timeout);
    await messages(bob.page).getByText('Glad to be here.').waitFor(timeout);

    // Bob leaves for the notifications page; a mention raises his badge live.
    await bob.page.getByRole('link', { name: 'Notifications' }).click();
    await bob.page.getByRole('heading', { name: 'Notifications' }).waitFor(timeout);
    await send(alice.page, `@${bobName} can you review the plan?`);
    await bob.page.getByRole('link', { name: /Notifications.*1 unread/ }).waitFor(timeout);
    await bob.page.getByRole('button', { name: /Alice Liddell mentioned you/ }).waitFor(timeout);
    await bob.page.getByRole('link', { name: new RegExp(`${roomName}.*unread`) }).waitFor(timeout);
    await screenshot(bob.page, '07-notifications');

    // Opening the notification opens the message and clears the badge.
    await bob.page.getByRole('button', { name: /Alice Liddell mentioned you/ }).click();
    await messages(bob.page).getByText('can you review the plan?').waitFor(timeout);
    await bob.page.getByRole('link', { name: 'Notifications' }).waitFor(timeout);
    expect(await bob.page.getByRole('link', { name: /Notifications.*unread/ }).count()).toBe(0);
    await screenshot(bob.page, '08-mention-opened');

    // Bob's connection drops; Alice keeps talking; when it comes back Bob sees what he missed, no reload.
    await bobNetwork.cut();
    await bob.page.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor(timeout);
    await send(alice.page, 'Sent while Bob was away, part one');
    await send(alice.page, 'Sent while Bob was away, part two');
    await messages(alice.page).getByText('part two').waitFor(timeout);
    await screenshot(bob.page, '09-reconnecting');
    bobNetwork.restore();
    await messages(bob.page).getByText('Sent while Bob was away, part one').waitFor({ timeout: 30_000 });
    await messages(bob.page).getByText('Sent while Bob was away, part two').waitFor(timeout);
    await bob.page
      .getByRole('status')
      .filter({ hasText: 'Reconnecting…' })
      .waitFor({ state: 'detached', ...timeout });
    // And the live stream works again after the resume.
    await send(alice.page, 'Welcome back');
    await messages(bob.page).getByText('Welcome back').waitFor(timeout);

    // Logout ends the session; signing in again brings the history back.
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.getByRole('heading', { name: 'Sign in' }).waitFor(timeout);
    await bob.page.getByLabel('Username or email').fill(bobName);
    await bob.page.getByLabel('Password').fill('correct horse battery');
    await bob.page.getByRole('button', { name: 'Sign in' }).click();
    await messages(bob.page).getByText('Welcome back').waitFor(timeout);

    expectNoConsoleErrors(alice, bob);
    await alice.context.close();
    await bob.context.close();
  });

  it('an owner invites a stranger to a private room, who accepts live and can leave again', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const bobName = uniqueName('bob');
    const roomName = uniqueName('hideout');
    await registerThrough(alice.page, uniqueName('alice'), 'Alice Liddell');
    await registerThrough(bob.page, bobName, 'Bob Builder');

    await alice.page.getByRole('button', { name: 'Create room' }).click();
    const create = alice.page.getByRole('dialog', { name: 'Create a room' });
    await create.getByLabel('Name').fill(roomName);
    await create.getByLabel(/Private/).check();
    await create.getByRole('button', { name: 'Create room' }).click();
    await alice.page.getByRole('heading', { name: roomName }).waitFor(timeout);

    // Alice finds Bob by his username. They share no room, so he is invited, not added.
    await alice.page.getByRole('button', { name: 'Add people' }).click();
    const add = alice.page.getByRole('dialog', { name: `Add people to ${roomName}` });
    await add.getByLabel('Search people').fill(bobName);
    await add.getByRole('button', { name: 'Add Bob Builder' }).click();
    await add.getByText('Invitation sent').waitFor(timeout);
    await screenshot(alice.page, '14-add-people');
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('button', { name: /1 member/ }).waitFor(timeout);

    // Bob is told at once; the room is not in his sidebar until he accepts.
    await bob.page.getByRole('link', { name: /Notifications.*1 unread/ }).click();
    const invitations = bob.page.getByRole('list', { name: 'Invitations' });
    await invitations.getByText(`Alice Liddell invited you to #${roomName}`).waitFor(timeout);
    expect(await bob.page.getByRole('link', { name: new RegExp(roomName) }).count()).toBe(0);
    await screenshot(bob.page, '15-invitation');
    await invitations.getByRole('button', { name: `Accept the invitation to ${roomName}` }).click();

    // Accepting opens the room for Bob, and Alice sees him join live.
    await bob.page.getByRole('heading', { name: roomName }).waitFor(timeout);
    await bob.page.getByRole('link', { name: new RegExp(roomName) }).waitFor(timeout);
    await alice.page.getByRole('button', { name: /2 members/ }).waitFor(timeout);

    // Bob leaves after a confirm step; the room goes from his sidebar and from Alice's member count.
    await bob.page.getByRole('button', { name: 'Leave room' }).click();
    await bob.page
      .getByRole('dialog', { name: `Leave ${roomName}?` })
      .getByRole('button', { name: 'Leave room' })
      .click();
    await bob.page
      .getByRole('link', { name: new RegExp(roomName) })
      .waitFor({ state: 'detached', ...timeout });
    await alice.page.getByRole('button', { name: /1 member/ }).waitFor(timeout);

    expectNoConsoleErrors(alice, bob);
    await alice.context.close();
    await bob.context.close();
  });

  it("shows the server's field errors on the register form", async () => {
    const tab = await e2e.openTab();
    await tab.page.goto('/register');
    await tab.page.getByLabel('Username').fill('no spaces allowed');
    await tab.page.getByLabel('Email').fill('not-an-email');
    await tab.page.getByLabel('Password', { exact: true }).fill('short');
    await tab.page.getByRole('button', { name: 'Create account' }).click();
    const username = tab.page.getByRole('textbox', { name: 'Username' });
    await expect.poll(() => username.getAttribute('aria-invalid'), timeout).toBe('true');
    expect(await tab.page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(tab.page, '02-register-errors');
    // The browser logs the 400 of the rejected form itself; the app adds nothing.
    expect(tab.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await tab.context.close();
  });

  it('fits a 360 px phone, follows a dark system theme, and edits the profile', async () => {
    const tab = await e2e.openTab({
      viewport: { width: 360, height: 740 },
      colorScheme: 'dark',
    });
    const name = uniqueName('carol');
    await registerThrough(tab.page, name, 'Carol');
    await screenshot(tab.page, '10-mobile-sidebar-dark');
    await tab.page.getByRole('button', { name: 'Create room' }).click();
    const dialog = tab.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name').fill(uniqueName('phone'));
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await send(
      tab.page,
      'A long link https://example.com/' + 'segment/'.repeat(20) + ' and ' + 'z'.repeat(200),
    );
    await send(tab.page, 'Second line from the phone');
    await messages(tab.page).getByText('Second line from the phone').waitFor(timeout);
    const overflow = await tab.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(tab.page, '11-mobile-room-dark');

    await tab.page.getByRole('link', { name: 'All rooms' }).click();
    await tab.page.getByRole('link', { name: /^Profile/ }).click();
    await tab.page.getByLabel('Display name').fill('Carol Danvers');
    await tab.page.getByLabel('Email notifications').selectOption('off');
    await tab.page.getByRole('button', { name: 'Save profile' }).click();
    await tab.page.getByText('Profile saved.').waitFor(timeout);
    await screenshot(tab.page, '12-mobile-profile-dark');
    await tab.page.getByRole('link', { name: 'All rooms' }).click();
    await tab.page.getByRole('link', { name: 'Profile: Carol Danvers' }).waitFor(timeout);

    expectNoConsoleErrors(tab);
    await tab.context.close();
  });

  it('pages older history in as the reader scrolls up, keeping their place', async () => {
    const api = await seededRoom(e2e.server.url, 130);
    const tab = await e2e.openTab();
    await tab.page.goto('/login');
    await tab.page.getByLabel('Username or email').fill(api.username);
    await tab.page.getByLabel('Password').fill('correct horse battery');
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('link', { name: api.roomName }).click();
    const log = messages(tab.page);
    await log.getByText('Seeded message 130', { exact: true }).waitFor(timeout);
    expect(await log.getByText('Seeded message 80', { exact: true }).count()).toBe(0);
    const history = tab.page.getByLabel('Message history');
    await history.evaluate((el) => (el.scrollTop = 0));
    await log.getByText('Seeded message 80', { exact: true }).waitFor(timeout);
    // The reader stays where they were: the page above does not push the view to its top.
    expect(await history.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
    await screenshot(tab.page, '13-older-history');
    await history.evaluate((el) => (el.scrollTop = 0));
    await log.getByText('Seeded message 30', { exact: true }).waitFor(timeout);
    await history.evaluate((el) => (el.scrollTop = 0));
    await log.getByText('Seeded message 1', { exact: true }).waitFor(timeout);
    await tab.page.getByText(`This is the beginning of #${api.roomName}.`).waitFor(timeout);
    expectNoConsoleErrors(tab);
    await tab.context.close();
  });
});

/** A user and a room with `count` messages, made through the REST API. */
async function seededRoom(baseUrl: string, count: number) {
  const username = uniqueName('dora');
  const roomName = uniqueName('archive');
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const auth = await post('/api/auth/register', {
    username,
    email: `${username}@example.test`,
    password: 'correct horse battery',
  });
  const token = String(auth.accessToken);
  const room = await post('/api/rooms', { name: roomName, visibility: 'private' }, token);
  for (let i = 1; i <= count; i += 1) {
    await post(`/api/rooms/${String(room.id)}/messages`, { body: `Seeded message ${i}` }, token);
  }
  return { username, roomName };
}
