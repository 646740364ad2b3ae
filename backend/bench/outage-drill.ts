/**
 * The outage drill: two API instances and a worker on PostgreSQL, Redis and RabbitMQ, two people
 * chatting in Chromium (one on each instance) without pause, while each service goes down in turn
 * and then all three at once. Every service is reached through a TCP proxy this drill controls:
 * "down" resets every open connection and refuses new ones, as a crashed server does.
 *
 * `npm run drill:outage [-- --outage 8 --out /tmp/outage-drill]` from the repository root, after
 * `npm run build` (the instances serve `frontend/dist`). Prints what it did and saw, writes
 * screenshots to `--out`, and exits 1 if a process died, a message was lost or stored twice, a
 * person's screen does not end with every message exactly once, or a mention of the third member,
 * who stays offline, is not mailed (through a real SMTP server) exactly once.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { TcpProxy } from '../test/support/tcp-proxy.js';
import { services } from '../test/support/services.js';
import { withDatabase } from '../test/support/database-url.js';
import { onPostgres } from '../test/support/postgres-admin.js';
import { spawnBackend } from '../test/support/worker-process.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';
import type { WorkerProcess } from '../test/support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    outage: { type: 'string', default: '8' },
    out: { type: 'string', default: '/tmp/outage-drill' },
  },
});
const outageMs = Number(args.outage) * 1000;
const out = resolve(args.out);
mkdirSync(out, { recursive: true });
const started = Date.now();
const say = (line: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const timeout = { timeout: 30_000 };

async function waitReady(url: string, process: WorkerProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`exited before ready:\n${process.output()}`);
    const res = await fetch(`${url}/readyz`).catch(() => null);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready:\n${process.output()}`);
}

function log(page: Page) {
  return page.getByRole('log', { name: /^Messages in/ });
}

async function register(page: Page, username: string) {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Display name (optional)').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor(timeout);
}

async function main() {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `drill_${id}`;
  await onPostgres((c) => c.query(`create database ${database}`));
  const sink = await startSmtpSink();
  const proxies = {
    postgres: await TcpProxy.inFrontOf(withDatabase(services.postgres, database), 5432),
    redis: await TcpProxy.inFrontOf(services.redis, 6379),
    rabbitmq: await TcpProxy.inFrontOf(services.rabbitmq, 5672),
  };
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: proxies.postgres.url,
    REDIS_URL: proxies.redis.url,
    RABBITMQ_URL: proxies.rabbitmq.url,
    RABBITMQ_PREFIX: `drill-${id}`,
    DATA_DIR: join(out, `data-${id}`),
    FRONTEND_DIST: resolve(dirname(fileURLToPath(import.meta.url)), '../../frontend/dist'),
    HOST: '127.0.0.1',
    EMAIL_DELAY: '1',
    SMTP_URL: sink.url,
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100',
  };
  const migrate = spawnBackend('migrate', env);
  if ((await migrate.exited) !== '0') throw new Error(`migrate failed:\n${migrate.output()}`);
  const api = (port: number) => ({
    url: `http://127.0.0.1:${port}`,
    process: spawnBackend('api', { ...env, PORT: String(port) }),
  });
  const instances = [api(18_401), api(18_402)];
  const worker = spawnBackend('worker', { ...env, PORT: '18403' });
  const processes: Record<string, WorkerProcess> = Object.fromEntries([
    ...instances.map((i, n) => [`api${n + 1}`, i.process] as const),
    ['worker', worker],
  ]);
  const urls = instances.map((i) => i.url);
  await Promise.all(instances.map((i) => waitReady(i.url, i.process)));
  say(`two API instances (${urls.join(', ')}) and a worker are ready, every service behind a proxy`);

  // Debian's Chromium with the flags of the browser tests (frontend/e2e/support/browser.ts).
  const browser = await chromium.launch({
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
  const failures: string[] = [];
  try {
    const people = await Promise.all(
      ['ann', 'bob'].map(async (name, i) => {
        const context = await browser.newContext({
          baseURL: urls[i],
          viewport: { width: 1100, height: 760 },
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        return { name: `${name}_${id}`, page, errors, sent: [] as string[] };
      }),
    );
    const [ann, bob] = people as [(typeof people)[0], (typeof people)[0]];
    await register(ann.page, ann.name);
    await register(bob.page, bob.name);
    const room = `drill-${id}`;
    await ann.page.getByRole('button', { name: 'Create room' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name').fill(room);
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await ann.page.getByRole('heading', { name: room }).waitFor(timeout);
    await bob.page.getByRole('button', { name: 'Browse rooms' }).click();
    const browse = bob.page.getByRole('dialog', { name: 'Browse rooms' });
    await browse.getByLabel('Search public rooms').fill(room);
    await browse.getByRole('button', { name: `Join ${room}` }).click();
    await bob.page.getByRole('heading', { name: room }).waitFor(timeout);
    // Cyd is a member who never opens the app: every message of Ann's mentions her, so each must
    // reach her by email exactly once (a digest gathers several).
    const cyd = `cyd_${id}`;
    const registered = (await (
      await fetch(`${urls[0]}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: cyd,
          email: `${cyd}@example.test`,
          password: 'correct horse battery',
        }),
      })
    ).json()) as { accessToken: string };
    const roomId = new URL(ann.page.url()).pathname.split('/').at(-1) ?? '';
    const joined = await fetch(`${urls[0]}/api/rooms/${roomId}/join`, {
      method: 'POST',
      headers: { authorization: `Bearer ${registered.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!joined.ok) throw new Error(`cyd could not join: ${joined.status}`);
    say(`${ann.name} (instance 1) and ${bob.name} (instance 2) are in #${room}; ${cyd} is a member, offline`);

    // Both type without pause, one message every 400 ms each, for the whole drill.
    let typing = true;
    const typists = people.map(async (person) => {
      const box = person.page.getByRole('textbox', { name: /^Message #/ });
      for (let n = 1; typing; n += 1) {
        const text = `${person.name.slice(0, 3)} says ${n}${person === ann ? ` for @${cyd}` : ''}`;
        await box.fill(text);
        await box.press('Enter');
        person.sent.push(text);
        await person.page.waitForTimeout(400);
      }
    });

    const phases: [string, TcpProxy[]][] = [
      ['PostgreSQL', [proxies.postgres.proxy]],
      ['Redis', [proxies.redis.proxy]],
      ['RabbitMQ', [proxies.rabbitmq.proxy]],
      ['PostgreSQL, Redis and RabbitMQ', Object.values(proxies).map((p) => p.proxy)],
    ];
    await ann.page.waitForTimeout(3000);
    for (const [what, down] of phases) {
      const before = people.map((p) => p.sent.length);
      for (const proxy of down) {
        proxy.refuse(true);
        proxy.cut();
      }
      say(`${what} down`);
      await ann.page.waitForTimeout(outageMs / 2);
      const shot = (down.length > 1 ? 'everything' : what).toLowerCase();
      await ann.page.screenshot({ path: join(out, `down-${shot}-ann.png`) });
      await bob.page.screenshot({ path: join(out, `down-${shot}-bob.png`) });
      await ann.page.waitForTimeout(outageMs / 2);
      for (const proxy of down) proxy.refuse(false);
      const typed = people.map((p, i) => p.sent.length - (before[i] ?? 0));
      say(
        `${what} back; typed meanwhile: ${people.map((p, i) => `${p.name.slice(0, 3)} ${typed[i]}`).join(', ')}`,
      );
      for (const [name, proc] of Object.entries(processes))
        if (proc.child.exitCode !== null || proc.child.signalCode !== null)
          failures.push(
            `${name} exited (${proc.child.exitCode ?? proc.child.signalCode}) during the ${what} outage`,
          );
      await ann.page.waitForTimeout(5000);
    }
    typing = false;
    await Promise.all(typists);
    const everything = people.flatMap((p) => p.sent);
    say(`typing stopped: ${everything.length} messages typed; waiting for both screens to show all of them`);

    const catchUp = Date.now();
    let slowest = { ms: 0, who: '', text: '' };
    for (const person of people) {
      for (const text of everything) {
        const waitStart = Date.now();
        await log(person.page)
          .getByText(text, { exact: true })
          .first()
          .waitFor({ timeout: 60_000 })
          .catch(() => failures.push(`${person.name} never saw "${text}"`));
        if (Date.now() - waitStart > slowest.ms)
          slowest = { ms: Date.now() - waitStart, who: person.name, text };
      }
    }
    say(
      `both screens caught up ${((Date.now() - catchUp) / 1000).toFixed(1)} s after typing stopped; the longest wait: ${slowest.ms} ms, ${slowest.who} for "${slowest.text}"`,
    );
    for (const person of people) {
      await person.page.screenshot({ path: join(out, `after-${person.name.slice(0, 3)}.png`) });
      await person.page.reload();
      await log(person.page)
        .getByText(everything.at(-1) ?? '', { exact: true })
        .first()
        .waitFor(timeout);
      const twice: string[] = [];
      for (const text of everything)
        if ((await log(person.page).getByText(text, { exact: true }).count()) > 1) twice.push(text);
      if (twice.length > 0) failures.push(`${person.name} sees twice after a reload: ${twice.join(', ')}`);
      const shown = await log(person.page).locator('[data-seq]').count();
      say(`${person.name} after a reload: ${shown} messages on screen, ${twice.length} shown twice`);
      if (person.errors.length > 0) failures.push(`${person.name}'s page threw: ${person.errors.join('; ')}`);
    }

    const stored = await (async () => {
      const db = new pg.Client({ connectionString: withDatabase(services.postgres, database) });
      await db.connect();
      try {
        const { rows } = await db.query<{ body: string; n: number }>(
          'select body, count(*)::int as n from messages group by body',
        );
        return new Map(rows.map((r) => [r.body, r.n]));
      } finally {
        await db.end();
      }
    })();
    const lost = everything.filter((t) => !stored.has(t));
    const doubled = [...stored.entries()].filter(([, n]) => n > 1);
    say(
      `database: ${stored.size} distinct messages stored, ${lost.length} lost, ${doubled.length} stored twice`,
    );
    if (lost.length > 0) failures.push(`lost: ${lost.join(', ')}`);
    if (doubled.length > 0) failures.push(`stored twice: ${doubled.map(([t]) => t).join(', ')}`);

    const mentions = ann.sent.length;
    const emailStart = Date.now();
    await sink
      .waitFor((mails) => ann.sent.every((t) => mails.some((m) => m.text.includes(t))), 90_000)
      .catch(() => undefined);
    const copies = ann.sent.map((t) => sink.mails.filter((m) => m.text.includes(t)).length);
    const unmailed = ann.sent.filter((_, i) => copies[i] === 0);
    const mailedTwice = ann.sent.filter((_, i) => (copies[i] ?? 0) > 1);
    say(
      `email: ${mentions} mentions of ${cyd} in ${sink.mails.length} digests, ${unmailed.length} never mailed, ${mailedTwice.length} mailed twice (${((Date.now() - emailStart) / 1000).toFixed(1)} s after the check began)`,
    );
    if (unmailed.length > 0) failures.push(`never mailed: ${unmailed.join(', ')}`);
    if (mailedTwice.length > 0) failures.push(`mailed twice: ${mailedTwice.join(', ')}`);
    for (const [name, proc] of Object.entries(processes))
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        failures.push(`${name} exited: ${proc.output().slice(-2000)}`);
  } finally {
    await browser.close();
    await Promise.all(Object.values(processes).map((p) => p.stop('SIGTERM')));
    await Promise.all(Object.values(proxies).map((p) => p.proxy.close()));
    await onPostgres((c) => c.query(`drop database if exists ${database} with (force)`));
    await sink.close();
  }
  if (failures.length > 0) {
    console.log(`\nFAILED:\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    say(`passed: no process died, nothing lost, nothing doubled; screenshots in ${out}`);
  }
}

await main();
