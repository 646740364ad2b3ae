/**
 * The replay attacker of `replay.ts`, in a worker thread of its own: parsing the thousands of
 * answers it provokes must not delay the victim's clock on the bench's main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSocket } from './victim.js';

export interface AttackerInit {
  wsUrl: string;
  token: string;
  roomId: string;
}

export interface AttackerReport {
  sent: number;
  subscribed: number;
  limited: number;
  replayed: number;
  open: boolean;
}

const { wsUrl, token, roomId } = workerData as AttackerInit;
const port = parentPort;
if (!port) throw new Error('replay-attacker.ts runs as a worker thread');
const socket = await openSocket(wsUrl, token);
const report: AttackerReport = { sent: 0, subscribed: 0, limited: 0, replayed: 0, open: true };
socket.on('message', (data) => {
  const frame = JSON.parse(String(data)) as { type: string; code?: string; seq?: number };
  if (frame.seq !== undefined) report.replayed += 1;
  if (frame.type === 'subscribed') report.subscribed += 1;
  if (frame.type === 'error' && frame.code === 'rate_limited') report.limited += 1;
});
let attacking = true;
port.once('message', () => {
  attacking = false;
});
port.postMessage('ready');
// Bursts of 100 `subscribe {afterSeq: 0}` frames (~8 KB), every 250 ms, until told to stop.
const burst = JSON.stringify({ type: 'subscribe', roomId, afterSeq: 0 });
while (attacking && socket.readyState === socket.OPEN) {
  for (let i = 0; i < 100; i++) socket.send(burst);
  report.sent += 100;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
report.open = socket.readyState === socket.OPEN;
socket.close();
port.postMessage(report);
