import { randomBytes, randomUUID } from 'node:crypto';
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type WebSocket from 'ws';
import type { AuthResponse, Room } from '@messaging-app/shared';
import type { SecurityPart } from './index.js';
import type { AttackerInit, AttackerReport } from './replay-attacker.js';
import { describeDelay, describeLatencies, eventLoopDelay, measureVictim, openSocket } from './victim.js';
import { postJson } from '../../test/support/http.js';

async function register(base: string, name: string): Promise<AuthResponse> {
  const username = `${name}_${randomUUID().slice(0, 8)}`;
  return postJson<AuthResponse>(base, '/api/auth/register', {
    username,
    email: `${username}@bench.test`,
    password: 'bench password 123',
  });
}

/** Sends `count` messages to a room over one socket and waits for every ack. */
async function fill(socket: WebSocket, roomId: string, count: number): Promise<void> {
  let acked = 0;
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'message.ack' && ++acked === count)
        resolve();
    });
    for (let i = 0; i < count; i++) {
      socket.send(
        JSON.stringify({ type: 'message.send', roomId, body: `history ${i}`, clientMsgId: randomUUID() }),
      );
    }
  });
}

const metricsToken = randomBytes(24).toString('hex');

/**
 * Issue 17 item 3: an account sends bursts of 100 `subscribe {afterSeq: 0}` frames (~8 KB) in a
 * room of ~104 events, over and over, while another user pings and lists rooms.
 */
export const replayAttack: SecurityPart = {
  name: 'replay amplification: 100 × subscribe {afterSeq: 0} in a room of 104 events, repeated',
  embedded: true,
  env: { METRICS_TOKEN: metricsToken },
  async run(server, print, quick) {
    const seconds = quick ? 5 : 15;
    const ws = server.url.replace('http', 'ws') + '/ws';
    const victim = await register(server.url, 'victim');
    const attacker = await register(server.url, 'attacker');
    const room = await postJson<Room>(
      server.url,
      '/api/rooms',
      { name: `replay ${randomUUID().slice(0, 6)}`, visibility: 'public' },
      attacker.accessToken,
    );
    const writer = await openSocket(ws, attacker.accessToken);
    await fill(writer, room.id, 104);
    writer.close();
    const victimSocket = await openSocket(ws, victim.accessToken);

    await eventLoopDelay(server.url, metricsToken);
    const quiet = await measureVictim(server.url, victimSocket, victim.accessToken, seconds);
    print(
      `${describeLatencies('no attacker  ', quiet)}; ${describeDelay(await eventLoopDelay(server.url, metricsToken))}`,
    );

    const attackerThread = new Worker(new URL('./replay-attacker-entry.mjs', import.meta.url), {
      workerData: { wsUrl: ws, token: attacker.accessToken, roomId: room.id } satisfies AttackerInit,
    });
    const messages = on(attackerThread, 'message');
    const next = async () => ((await messages.next()) as IteratorResult<[unknown]>).value[0];
    if ((await next()) !== 'ready') throw new Error('the attacker did not start');
    const attacked = await measureVictim(server.url, victimSocket, victim.accessToken, seconds);
    const delay = await eventLoopDelay(server.url, metricsToken);
    attackerThread.postMessage('stop');
    const report = (await next()) as AttackerReport;
    await attackerThread.terminate();
    print(`${describeLatencies('with attacker', attacked)}; ${describeDelay(delay)}`);
    print(
      `  attacker: ${report.sent} subscribes sent, ${report.subscribed} subscribed and ${report.limited} rate_limited answers, ` +
        `${report.replayed} events replayed in ${seconds} s, socket ${report.open ? 'open' : 'closed'}`,
    );
    victimSocket.close();
  },
};
