import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, uniqueName } from './support/browser';
import { messages, realServerAndBrowser, registerThrough, send, timeout } from './support/chat';

const e2e = realServerAndBrowser();

/** The message item of the open room that contains `text`. */
const item = (page: Page, text: string) => messages(page).locator('li.message').filter({ hasText: text });
const thread = (page: Page) => page.getByRole('complementary', { name: 'Thread' });
const dmLink = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Direct messages' }).getByRole('link', { name: new RegExp(`^${name}`) });

async function createRoom(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create room' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a room' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await page.getByRole('heading', { name }).waitFor(timeout);
}

describe('two people in a DM, and membership lines in a room', () => {
  it('each sees the other’s thread reply, reaction, edit and delete live and after a reload', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const bobName = uniqueName('bob');
    await registerThrough(alice.page, uniqueName('alice'), 'Alice Liddell');
    await registerThrough(bob.page, bobName, 'Bob Builder');

    // A shared room: Bob joins it, and Alice sees the line live.
    const common = uniqueName('common');
    await createRoom(alice.page, common);
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const browse = bob.page.getByRole('dialog', { name: 'Browse rooms' });
    await browse.getByLabel('Search public rooms').fill(common);
    await browse.getByRole('button', { name: `Join ${common}` }).click();
    await bob.page.getByRole('heading', { name: common }).waitFor(timeout);
    await messages(alice.page).getByText('Bob Builder joined').waitFor(timeout);

    // Now that they share a room, Alice adds Bob to a second one: "Alice Liddell added Bob Builder".
    const planning = uniqueName('planning');
    await createRoom(alice.page, planning);
    await alice.page.getByRole('button', { name: 'Add people' }).click();
    const add = alice.page.getByRole('dialog', { name: `Add people to ${planning}` });
    await add.getByLabel('Search people').fill(bobName);
    await add.getByRole('button', { name: 'Add Bob Builder' }).click();
    await messages(alice.page).getByText('Alice Liddell added Bob Builder').waitFor(timeout);
    await add.getByRole('button', { name: 'Close' }).click();
    await screenshot(alice.page, '30-membership-lines');

    // Alice opens a DM with Bob and writes; Bob finds it in his sidebar.
    await alice.page.getByRole('button', { name: 'New direct message' }).click();
    const newDm = alice.page.getByRole('dialog', { name: 'New direct message' });
    await newDm.getByLabel('Find people').fill(bobName);
    await newDm.getByRole('button', { name: 'Pick Bob Builder' }).click();
    await newDm.getByRole('button', { name: 'Start conversation' }).click();
    await alice.page.getByRole('heading', { name: 'Bob Builder', level: 1 }).waitFor(timeout);
    await send(alice.page, 'Shall we ship on **Friday**?');
    await send(alice.page, 'Bring the cake, Bbo');
    await dmLink(bob.page, 'Alice Liddell').click();
    await item(bob.page, 'Shall we ship on').locator('strong', { hasText: 'Friday' }).waitFor(timeout);

    // Bob answers in a thread; Alice sees the reply count live and the reply in her thread panel.
    await item(bob.page, 'Shall we ship on').getByRole('button', { name: 'Reply in thread' }).click();
    await thread(bob.page).getByRole('textbox', { name: 'Reply in thread' }).fill('Friday **works**');
    await thread(bob.page).getByRole('button', { name: 'Reply' }).click();
    await thread(bob.page).locator('strong', { hasText: 'works' }).waitFor(timeout);
    await item(alice.page, 'Shall we ship on')
      .getByRole('button', { name: /^1 reply/ })
      .click(timeout);
    await thread(alice.page).locator('strong', { hasText: 'works' }).waitFor(timeout);
    expect(await messages(alice.page).getByText('Friday works').count()).toBe(0);

    // Bob reacts to Alice's question; Alice sees who reacted.
    const question = item(bob.page, 'Shall we ship on');
    await question.hover();
    await question.getByRole('button', { name: 'Add reaction' }).click();
    await bob.page.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    await bob.page.getByRole('button', { name: 'thumbs up' }).click();
    await item(alice.page, 'Shall we ship on')
      .getByRole('button', { name: '👍 1: Bob Builder' })
      .waitFor(timeout);

    // Alice fixes her typo; Bob sees the new text marked edited.
    const typo = item(alice.page, 'Bring the cake, Bbo');
    await typo.hover();
    await typo.getByRole('button', { name: 'Edit' }).click();
    const edit = alice.page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('Bring the cake, Bob');
    await edit.press('Enter');
    await item(bob.page, 'Bring the cake, Bob').getByRole('button', { name: '(edited)' }).waitFor(timeout);

    // Bob sends something by mistake and deletes it; Alice sees it go, in the timeline and the sidebar.
    await send(bob.page, 'wrong chat, sorry');
    await item(alice.page, 'wrong chat, sorry').waitFor(timeout);
    await dmLink(alice.page, 'Bob Builder').getByText('wrong chat, sorry', { exact: true }).waitFor(timeout);
    const mistake = item(bob.page, 'wrong chat, sorry');
    await mistake.hover();
    await mistake.getByRole('button', { name: 'Delete' }).click();
    await bob.page
      .getByRole('dialog', { name: 'Delete message?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await messages(alice.page).getByText('This message was deleted.').waitFor(timeout);
    await item(alice.page, 'wrong chat, sorry').waitFor({ state: 'detached', ...timeout });
    await dmLink(alice.page, 'Bob Builder').getByText('You: Bring the cake, Bob').waitFor(timeout);
    await screenshot(alice.page, '31-dm-alice');
    await screenshot(bob.page, '32-dm-bob');

    // After a reload both see the same DM from the server.
    for (const tab of [alice, bob]) {
      await tab.page.reload();
      await item(tab.page, 'Bring the cake, Bob').getByRole('button', { name: '(edited)' }).waitFor(timeout);
      const root = item(tab.page, 'Shall we ship on');
      const reacted = tab === bob ? 'you' : 'Bob Builder';
      await root.getByRole('button', { name: `👍 1: ${reacted}` }).waitFor(timeout);
      await messages(tab.page).getByText('This message was deleted.').waitFor(timeout);
      expect(await messages(tab.page).getByText('wrong chat, sorry').count()).toBe(0);
      await root.getByRole('button', { name: /^1 reply/ }).click();
      await thread(tab.page).locator('strong', { hasText: 'works' }).waitFor(timeout);
    }
    await screenshot(bob.page, '33-dm-bob-reloaded');

    // The membership line is part of the room's history too.
    await bob.page.getByRole('link', { name: new RegExp(`^${planning}`) }).click();
    await messages(bob.page).getByText('Alice Liddell added Bob Builder').waitFor(timeout);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});
