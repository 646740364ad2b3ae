import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

/** What the main thread hands a worker: its share of the clients. */
export interface WorkerInit {
  wsUrl: string;
  clients: { token: string; roomId: string; sender: boolean; subscribe: boolean }[];
}

export type ToWorker =
  | { type: 'start'; ratePerSecond: number; durationMs: number; drainMs: number; startAt: number }
  | { type: 'settle' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; opened: number }
  | { type: 'settled'; outstanding: number }
  | {
      type: 'report';
      sent: number;
      acked: number;
      errors: number;
      delivered: number;
      /** Sockets the server closed since setup. */
      dropped: number;
      latencies: Float64Array;
    }
  | { type: 'failed'; error: string };

const now = () => performance.timeOrigin + performance.now();
const port = parentPort;
if (!port) throw new Error('bench worker must run in a worker thread');
const init = workerData as WorkerInit;

interface Client {
  socket: WebSocket;
  roomId: string;
  sender: boolean;
}

/** Collects latencies without reallocating per sample. */
class Samples {
  values = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = value;
  }
}

let windowStart = Number.POSITIVE_INFINITY;
let counts = { sent: 0, acked: 0, errors: 0, delivered: 0 };
let samples = new Samples();
let dropped = 0;
/** Sends of every window so far, and their answers: the server has caught up when they match. */
const lifetime = { sent: 0, answered: 0 };
const bodyMarker = '"body":"b:';

/** Reads a frame cheaply: only the type and, for a message.new, the send time in the body. */
function onFrame(text: string) {
  if (text.startsWith('{"type":"message.new"')) {
    const at = text.indexOf(bodyMarker);
    if (at < 0) return;
    const sentAt = Number.parseFloat(
      text.slice(at + bodyMarker.length, text.indexOf('"', at + bodyMarker.length)),
    );
    // Stragglers of an earlier window are not this window's deliveries.
    if (sentAt < windowStart) return;
    counts.delivered += 1;
    samples.push(now() - sentAt);
  } else if (text.startsWith('{"type":"message.ack"')) {
    counts.acked += 1;
    lifetime.answered += 1;
  } else if (text.startsWith('{"type":"error"')) {
    counts.errors += 1;
    lifetime.answered += 1;
  }
}

function open(client: WorkerInit['clients'][number]): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(init.wsUrl, { perMessageDeflate: false });
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: client.token })));
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"ready"')) {
        if (!client.subscribe) resolve({ socket, roomId: client.roomId, sender: client.sender });
        else socket.send(JSON.stringify({ type: 'subscribe', roomId: client.roomId }));
      } else if (text.startsWith('{"type":"subscribed"')) {
        resolve({ socket, roomId: client.roomId, sender: client.sender });
      } else {
        onFrame(text);
      }
    });
    socket.once('close', (code) => {
      dropped += 1;
      reject(new Error(`socket closed with ${code} during setup`));
    });
  });
}

async function openAll(): Promise<Client[]> {
  const clients: Client[] = [];
  // A few hundred handshakes at a time: the server authenticates each against the database.
  for (let i = 0; i < init.clients.length; i += 200) {
    clients.push(...(await Promise.all(init.clients.slice(i, i + 200).map(open))));
  }
  return clients;
}

function run(clients: Client[], ratePerSecond: number, durationMs: number, drainMs: number, start: number) {
  const senders = clients.filter((c) => c.sender);
  counts = { sent: 0, acked: 0, errors: 0, delivered: 0 };
  samples = new Samples();
  windowStart = start;
  let next = 0;
  const tick = setInterval(() => {
    const t = now();
    if (t < start) return;
    const due = Math.min(durationMs, t - start) * (ratePerSecond / 1000) - counts.sent;
    for (let i = 0; i < Math.floor(due) && senders.length > 0; i += 1) {
      const client = senders[next++ % senders.length] as Client;
      const body = `b:${now().toFixed(3)}`;
      client.socket.send(
        `{"type":"message.send","roomId":"${client.roomId}","body":"${body}","clientMsgId":"${randomUUID()}"}`,
      );
      counts.sent += 1;
      lifetime.sent += 1;
    }
    if (t - start >= durationMs) {
      clearInterval(tick);
      setTimeout(() => {
        const latencies = samples.values.slice(0, samples.length);
        port?.postMessage({ type: 'report', ...counts, dropped, latencies } satisfies FromWorker, [
          latencies.buffer,
        ]);
      }, drainMs);
    }
  }, 5);
}

openAll().then(
  (clients) => {
    port.postMessage({ type: 'ready', opened: clients.length } satisfies FromWorker);
    port.on('message', (message: ToWorker) => {
      if (message.type === 'settle') {
        // The next window starts only once the server has answered every earlier send (or 60 s passed).
        const deadline = Date.now() + 60_000;
        const check = setInterval(() => {
          if (lifetime.answered < lifetime.sent && Date.now() < deadline) return;
          clearInterval(check);
          port.postMessage({
            type: 'settled',
            outstanding: lifetime.sent - lifetime.answered,
          } satisfies FromWorker);
        }, 50);
      } else if (message.type === 'start')
        run(clients, message.ratePerSecond, message.durationMs, message.drainMs, message.startAt);
      else {
        for (const client of clients) client.socket.close();
        port.close();
      }
    });
  },
  (error: unknown) => port.postMessage({ type: 'failed', error: String(error) } satisfies FromWorker),
);
