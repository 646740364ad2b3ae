import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page, WebSocketRoute } from 'playwright-core';

const screenshotDir = resolve(dirname(fileURLToPath(import.meta.url)), '../screenshots');

/** Debian's Chromium (never a downloaded browser), headless, with the background chatter off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen in this tab. */
  errors: string[];
}

/** A fresh browser profile (its own storage, so its own user) with one page watched for errors. */
export async function openTab(
  browser: Browser,
  baseURL: string,
  options: BrowserContextOptions = {},
): Promise<Tab> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1200, height: 800 }, ...options });
  return openPageIn(context);
}

let opened = 0;

/** Another page of the same profile (a second tab of the same user), watched for errors like the first. */
export async function openPageIn(context: BrowserContext): Promise<Tab> {
  const page = await context.newPage();
  opened += 1;
  const label = `page ${opened}`;
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
    if (process.env.E2E_DEBUG) console.log(`[${label} ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  if (process.env.E2E_DEBUG) {
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => console.log(`${label} > ${String(f.payload).slice(0, 160)}`));
      ws.on('framereceived', (f) => console.log(`${label} < ${String(f.payload).slice(0, 160)}`));
      ws.on('close', () => console.log(`${label} ws closed`));
    });
  }
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

let counter = 0;
/** A name no other test run on this machine will use. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${process.pid.toString(36)}${counter}`.slice(0, 32);
}

/**
 * Lets a test cut a profile's WebSocket (as a dropped network would) and restore it, while its HTTP keeps
 * working. Every socket is proxied to the real server; while cut, new ones are closed at once.
 */
export async function cuttableSockets(context: BrowserContext) {
  let cut = false;
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/\/ws$/, (ws) => {
    if (cut) {
      void ws.close({ code: 4000, reason: 'offline' });
      return;
    }
    ws.connectToServer();
    open.add(ws);
    ws.onClose(() => open.delete(ws));
  });
  return {
    async cut() {
      cut = true;
      const sockets = [...open];
      open.clear();
      await Promise.all(sockets.map((ws) => ws.close({ code: 4000, reason: 'offline' })));
    },
    restore() {
      cut = false;
    },
  };
}
