import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, metricsHeaders } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { eventually } from './support/eventually.js';
import { WsClient, wsUrl } from './support/ws-client.js';

/* Issue 10 item 16: the gateway's declared metrics are set, as /metrics shows them. */

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await buildTestApp({ redisPrefix: uniqueName('wsm'), config: { frontendDist: '/nonexistent' } });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  url = wsUrl(app.server);
});
afterAll(async () => {
  await app.close();
});

/** The value of one sample line of /metrics (0 when absent). */
async function sample(name: string): Promise<number> {
  const response = await app.server.inject({ method: 'GET', url: '/metrics', headers: metricsHeaders });
  expect(response.statusCode).toBe(200);
  const line = response.body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('gateway metrics', () => {
  it('ws_open_sockets counts the sockets open on this instance, authenticated or not', async () => {
    const user = await registerUser(app.server);
    const before = await sample('ws_open_sockets');
    const authenticated = await WsClient.connect(url, user.accessToken);
    const anonymous = await WsClient.open(url);
    await eventually(async () => (await sample('ws_open_sockets')) === before + 2, 'two open sockets');
    anonymous.close();
    await anonymous.closed;
    await eventually(async () => (await sample('ws_open_sockets')) === before + 1, 'one socket closed');
    authenticated.socket.terminate();
    await eventually(async () => (await sample('ws_open_sockets')) === before, 'both closed');
  });

  it('fanout_lag_seconds observes each event delivered live to subscribed sockets', async () => {
    const owner = await registerUser(app.server);
    const room = await createRoom(app.server, owner);
    const socket = await WsClient.connect(url, owner.accessToken);
    socket.send({ type: 'subscribe', roomId: room.id });
    await socket.nextOf('subscribed');
    const before = await sample('fanout_lag_seconds_count');
    for (let i = 0; i < 3; i++) {
      const posted = await postMessage(app.server, owner, room.id, `lag ${i}`);
      await socket.next((f) => f.type === 'message.new' && f.seq === posted.seq);
    }
    expect(await sample('fanout_lag_seconds_count')).toBe(before + 3);
    const sum = await sample('fanout_lag_seconds_sum');
    expect(sum).toBeGreaterThanOrEqual(0);
    expect(sum).toBeLessThan(60);
    socket.close();
  });
});
