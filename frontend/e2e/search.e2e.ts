import { describe, expect, it } from 'vitest';
import { screenshot, uniqueName } from './support/browser';
import { messages, realServerAndBrowser, registerThrough, send, timeout } from './support/chat';

const e2e = realServerAndBrowser();

describe('message search in the browser', () => {
  it('finds a message by a part of a word and by Japanese text with Ctrl+K, and opens it in its room', async () => {
    const ann = await e2e.openTab();
    await registerThrough(ann.page, uniqueName('ann'), 'Ann Search');
    const roomName = uniqueName('launch');
    await ann.page.getByRole('button', { name: 'Create room' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name').fill(roomName);
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await ann.page.getByRole('heading', { name: roomName }).waitFor(timeout);

    await send(ann.page, 'The deployment of <b>v2</b> is on Friday');
    await send(ann.page, '明日は東京タワーで会いましょう');
    await send(ann.page, 'Lunch is at noon');
    await messages(ann.page).getByText('Lunch is at noon').waitFor(timeout);

    // Ctrl+K from the composer puts the cursor in the search box.
    await ann.page.getByRole('textbox', { name: /^Message #/ }).click();
    await ann.page.keyboard.press('Control+k');
    const box = ann.page.getByRole('searchbox', { name: 'Search messages' });
    expect(await box.evaluate((element) => element === document.activeElement)).toBe(true);
    await box.fill('ploy');
    await box.press('Enter');
    const group = ann.page.getByRole('region', { name: `Results in ${roomName}` });
    const result = group.getByRole('link', { name: /deployment of <b>v2<\/b>/ });
    await result.waitFor(timeout);
    expect(await group.locator('mark').allTextContents()).toEqual(['ploy']);
    expect(await group.locator('b').count()).toBe(0);
    await screenshot(ann.page, 'search-01-results');

    await result.click();
    await ann.page.getByRole('heading', { name: roomName }).waitFor(timeout);
    await messages(ann.page)
      .locator('.message.highlighted')
      .getByText('deployment', { exact: false })
      .waitFor(timeout);
    await screenshot(ann.page, 'search-02-opened');

    await ann.page.keyboard.press('Control+k');
    await box.fill('東京');
    await box.press('Enter');
    await group.getByRole('link', { name: /東京タワー/ }).waitFor(timeout);
    expect(await group.locator('mark').allTextContents()).toEqual(['東京']);
    expect(ann.errors).toEqual([]);
  });
});
