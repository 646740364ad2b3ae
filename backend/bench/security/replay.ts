import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { AuthResponse, Room } from '@messaging-app/shared';
import type { SecurityPart } from './index.js';
import { describeLatencies, measureVictim, openSocket } from './victim.js';
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

/**
 * Issue 17 item 3: an account sends bursts of 100 `subscribe {afterSeq: 0}` frames (~8 KB) in a
 * room of ~104 events, over and over, while another user pings and lists rooms.
 */
export const replayAttack: SecurityPart = {
  name: 'replay amplification: 100 × subscribe {afterSeq: 0} in a room of 104 events, repeated',
  embedded: true,
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

    const quiet = await measureVictim(server.url, victimSocket, victim.accessToken, seconds);
    print(describeLatencies('no attacker  ', quiet));

    const attackerSocket = await openSocket(ws, attacker.accessToken);
    let replayed = 0;
    let limited = 0;
    attackerSocket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; code?: string; seq?: number };
      if (frame.seq !== undefined) replayed += 1;
      if (frame.type === 'error' && frame.code === 'rate_limited') limited += 1;
    });
    let attacking = true;
    const attack = (async () => {
      const burst = JSON.stringify({ type: 'subscribe', roomId: room.id, afterSeq: 0 });
      while (attacking && attackerSocket.readyState === attackerSocket.OPEN) {
        for (let i = 0; i < 100; i++) attackerSocket.send(burst);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const attacked = await measureVictim(server.url, victimSocket, victim.accessToken, seconds);
    attacking = false;
    await attack;
    print(describeLatencies('with attacker', attacked));
    print(
      `  attacker: ${replayed} events replayed in ${seconds} s, ${limited} rate_limited answers, socket ${attackerSocket.readyState === attackerSocket.OPEN ? 'open' : 'closed'}`,
    );
    attackerSocket.close();
    victimSocket.close();
  },
};
