/**
 * Stall of the API while the mail relay is slow: `GET /api/rooms` latency on the embedded store
 * (PGlite, where every query waits behind an open transaction) while the worker emails through an
 * SMTP server that takes `--relay-ms` to answer each RCPT TO. `node --conditions=source --import tsx
 * bench/email-stall.ts [--services] [--mails 5] [--relay-ms 2000]` from `backend/`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { createMemoryQueue } from '../src/queue/memory-queue.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { startWorker } from '../src/worker/worker.js';
import { buildTestApp } from '../test/support/app.js';
import { createRoom, joinRoom, postMessage, registerUser } from '../test/support/factories.js';
import { quantile } from './stats.js';

const { values: args } = parseArgs({
  options: {
    services: { type: 'boolean', default: false },
    mails: { type: 'string', default: '5' },
    'relay-ms': { type: 'string', default: '2000' },
  },
});
const mails = Number(args.mails);
const relayMs = Number(args['relay-ms']);

async function main() {
  let received = 0;
  const relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      setTimeout(() => callback(), relayMs);
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  relay.listen(0, '127.0.0.1');
  await once(relay.server, 'listening');
  const { port } = relay.server.address() as AddressInfo;
  const app = await buildTestApp({
    mode: args.services ? 'services' : 'embedded',
    config: { emailDelayMs: 0 },
  });
  const queue = createMemoryQueue();
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'bench <bench@example.test>' });
  const worker = startWorker({ ctx: app.ctx, queue, mailer, concurrency: 1, relay: { pollMs: 20 } });
  try {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const recipients = [];
    for (let i = 0; i < mails; i += 1) {
      const user = await registerUser(app.server);
      await joinRoom(app.server, user, room.id);
      recipients.push(user);
    }
    const latencies: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const started = performance.now();
        const response = await app.server.inject({
          method: 'GET',
          url: '/api/rooms',
          headers: owner.headers,
        });
        if (response.statusCode !== 200) throw new Error(`GET /api/rooms: ${response.statusCode}`);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const start = performance.now();
    // One mention per recipient: one email each, every one through the slow relay.
    for (const user of recipients)
      await postMessage(app.server, owner, room.id, `@${user.user.username} ping`);
    while (received < mails) await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (performance.now() - start) / 1000;
    polling = false;
    await poll;
    const sorted = Float64Array.from(latencies).sort();
    process.stdout.write(
      [
        `email stall bench (${args.services ? 'PostgreSQL' : 'PGlite'}; relay answers RCPT after ${relayMs} ms; ${mails} emails in ${seconds.toFixed(1)} s)`,
        `GET /api/rooms during the sending: ${latencies.length} requests, p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
        '',
      ].join('\n'),
    );
  } finally {
    await worker.stop();
    await queue.close();
    await mailer.close();
    await app.close();
    relay.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
