import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, openTab } from './browser';
import type { Tab } from './browser';
import { startServer } from './server';
import type { RunningServer, ServerOptions } from './server';

// Generous: `make test` may run this on a busy two-core machine.
export const timeout = { timeout: 20_000 };

export interface Suite {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A fresh browser profile on the suite's server. */
  openTab(options?: BrowserContextOptions): Promise<Tab>;
}

/**
 * One real server and one browser for the test file, started before its first test and stopped after
 * its last; every test's profiles are closed after it, so a failed test leaves none behind for the next.
 */
export function realServerAndBrowser(options: ServerOptions = {}): Suite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(options);
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(browser?.contexts().map((context) => context.close()) ?? []);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started (used outside a test?)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    openTab(tabOptions) {
      return openTab(started(browser, 'browser'), started(server, 'server').url, tabOptions);
    },
  };
}

/** Signs up through the register form and waits until the app shows the signed-in screen. */
export async function registerThrough(page: Page, username: string, displayName: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Display name (optional)').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor(timeout);
}

/** The open room's message log. */
export function messages(page: Page) {
  return page.getByRole('log', { name: /^Messages in/ });
}

/** Types `text` into the open room's (or DM's) composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^Message / });
  await box.fill(text);
  await box.press('Enter');
}
