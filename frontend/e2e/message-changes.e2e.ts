import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, uniqueName } from './support/browser';
import { messages, realServerAndBrowser, registerThrough, send, timeout } from './support/chat';

const e2e = realServerAndBrowser();

/** The message item of the open room that contains `text`. */
const item = (page: Page, text: string) => messages(page).locator('li.message').filter({ hasText: text });

describe('edit, delete, react and Markdown in two browsers', () => {
  it('each person sees the other’s edit, delete and reaction live and after a reload', async () => {
    const alice = await e2e.openTab();
    const bob = await e2e.openTab();
    const roomName = uniqueName('changes');
    await registerThrough(alice.page, uniqueName('alice'), 'Alice Liddell');
    await registerThrough(bob.page, uniqueName('bob'), 'Bob Builder');

    await alice.page.getByRole('button', { name: 'Create room' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name').fill(roomName);
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await alice.page.getByRole('heading', { name: roomName }).waitFor(timeout);
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const browse = bob.page.getByRole('dialog', { name: 'Browse rooms' });
    await browse.getByLabel('Search public rooms').fill(roomName);
    await browse.getByRole('button', { name: `Join ${roomName}` }).click();
    await bob.page.getByRole('heading', { name: roomName }).waitFor(timeout);

    // Markdown: bold and a fenced code block with a copy button; raw HTML stays text.
    await send(alice.page, 'A **bold** plan <img src=x onerror=alert(1)>\n\n```\nmake run\n```');
    await item(bob.page, 'plan').locator('strong', { hasText: 'bold' }).waitFor(timeout);
    await item(bob.page, 'plan').getByRole('button', { name: 'Copy code' }).waitFor({ state: 'attached' });
    expect(await messages(bob.page).locator('img').count()).toBe(0);

    // Alice posts with a typo and fixes it with ↑ in the empty composer.
    await send(alice.page, 'See you at noon, Bbo');
    await item(bob.page, 'See you at noon, Bbo').waitFor(timeout);
    const aliceBox = alice.page.getByRole('textbox', { name: /^Message #/ });
    await aliceBox.press('ArrowUp');
    const edit = alice.page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('See you at noon, Bob');
    await edit.press('Enter');
    await item(bob.page, 'See you at noon, Bob').getByRole('button', { name: '(edited)' }).waitFor(timeout);

    // Bob reacts; Alice sees the chip with who reacted.
    const bobsView = item(bob.page, 'See you at noon, Bob');
    await bobsView.hover();
    await bobsView.getByRole('button', { name: 'Add reaction' }).click();
    await bob.page.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    await bob.page.getByRole('button', { name: 'thumbs up' }).click();
    await item(alice.page, 'See you at noon, Bob')
      .getByRole('button', { name: '👍 1: Bob Builder' })
      .waitFor(timeout);

    // Bob posts a secret by mistake and deletes it.
    await send(bob.page, 'my password is hunter2');
    await item(alice.page, 'hunter2').waitFor(timeout);
    const secret = item(bob.page, 'hunter2');
    await secret.hover();
    await secret.getByRole('button', { name: 'Delete' }).click();
    await bob.page
      .getByRole('dialog', { name: 'Delete message?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await messages(alice.page).getByText('This message was deleted.').waitFor(timeout);
    await item(alice.page, 'hunter2').waitFor({ state: 'detached', ...timeout });
    await screenshot(alice.page, '20-changes-alice');
    await screenshot(bob.page, '21-changes-bob');

    // After a reload both see the same state, from the server.
    for (const tab of [alice, bob]) {
      await tab.page.reload();
      await item(tab.page, 'See you at noon, Bob').getByRole('button', { name: '(edited)' }).waitFor(timeout);
      await item(tab.page, 'See you at noon, Bob').getByRole('button', { name: /^👍 1/ }).waitFor(timeout);
      await messages(tab.page).getByText('This message was deleted.').waitFor(timeout);
      expect(await messages(tab.page).getByText('hunter2').count()).toBe(0);
    }

    // The edit history shows the original text.
    await item(bob.page, 'See you at noon, Bob').getByRole('button', { name: '(edited)' }).click();
    const versions = bob.page.getByRole('dialog', { name: 'Edit history' });
    await versions.getByText('See you at noon, Bbo').waitFor(timeout);
    await screenshot(bob.page, '22-edit-history');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});
