/**
 * Group commit with retries (issue 10, item 12): `npm run bench:retries`. Starts role `all` on
 * PostgreSQL + Redis, opens one socket of one member, pipelines 400 `message.send` frames into one
 * room, every 40th of them a resend of an earlier clientMsgId (as a client reconnecting after a
 * deploy does), and prints the time until all 400 are acked and how many messages were stored.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startServer } from './server.js';
import { postJson } from '../test/support/http.js';

const postgres = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redis = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const total = 400;
const retryEvery = 40;

const server = await startServer({
  postgres,
  redis,
  env: { RATE_LIMIT_MESSAGES_PER_SECOND: '100000', RATE_LIMIT_MESSAGE_BURST: '100000' },
});
try {
  const name = `bench${randomUUID().slice(0, 8)}`;
  const user = await postJson<{ accessToken: string }>(server.url, '/api/auth/register', {
    username: name,
    email: `${name}@example.test`,
    password: 'correct horse battery staple',
  });
  const room = await postJson<{ id: string }>(
    server.url,
    '/api/rooms',
    { name, visibility: 'public' },
    user.accessToken,
  );
  const socket = new WebSocket(server.url.replace('http', 'ws') + '/ws');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const frames: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < total; i += 1) {
    // Every 40th frame resends the frame sent 20 before it.
    const retry = i % retryEvery === retryEvery - 1;
    const id = retry ? (ids[i - 20] as string) : randomUUID();
    ids.push(id);
    frames.push(JSON.stringify({ type: 'message.send', roomId: room.id, body: `m${i}`, clientMsgId: id }));
  }
  let acks = 0;
  let errors = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'ready') {
        for (const text of frames) socket.send(text);
        started = performance.now();
      }
      if (frame.type === 'message.ack') acks += 1;
      if (frame.type === 'error') errors += 1;
      if (acks + errors === total) resolve();
    });
  });
  let started = 0;
  socket.send(JSON.stringify({ type: 'auth', token: user.accessToken }));
  await done;
  const seconds = (performance.now() - started) / 1000;
  socket.close();
  const history = await fetch(`${server.url}/api/rooms/${room.id}/messages?limit=1`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
  });
  const { messages } = (await history.json()) as { messages: { seq: number }[] };
  process.stdout.write(
    `${total} sends, a retry every ${retryEvery} frames: ${seconds.toFixed(2)} s until every answer; ` +
      `${acks} acks, ${errors} errors, last seq ${messages[0]?.seq ?? 0} (room: 1 event for the creation)\n`,
  );
} finally {
  await server.stop();
}
