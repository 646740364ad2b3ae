import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startServer } from './server.js';
import { populate } from './setup.js';

const server = await startServer({ postgres: 'postgres://postgres@127.0.0.1:5432/test', redis: 'redis://127.0.0.1:6379' });
const [m] = await populate(server.url, 1, 1);
const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws');
await new Promise((r) => ws.once('open', r));
const frames: ((t: string) => void)[] = [];
ws.on('message', (d) => frames.shift()?.(String(d)));
const next = () => new Promise<string>((r) => frames.push(r));
ws.send(JSON.stringify({ type: 'auth', token: m!.token }));
await next();
ws.send(JSON.stringify({ type: 'subscribe', roomId: m!.roomId }));
await next();
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  ws.send(JSON.stringify({ type: 'message.send', roomId: m!.roomId, body: 'x', clientMsgId: randomUUID() }));
  const a = await next();
  const b = await next();
  process.stdout.write(`${(performance.now() - t).toFixed(1)}ms ${a.slice(0, 25)} ${b.slice(0, 25)}\n`);
}
ws.close();
await server.stop();
