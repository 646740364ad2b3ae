import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { quantile, ms } from '../stats.js';

/** An authenticated socket and a bearer token: what a victim or an attacker holds. */
export async function openSocket(wsUrl: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await new Promise<void>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      if ((JSON.parse(String(data)) as { type: string }).type !== 'ready') return;
      socket.off('message', onMessage);
      resolve();
    };
    socket.on('message', onMessage);
    socket.once('close', (code) => reject(new Error(`closed with ${code} before ready`)));
  });
  return socket;
}

export interface Latencies {
  ping: Float64Array;
  rooms: Float64Array;
}

/**
 * The victim for `seconds`: one `ping` → `pong` round trip at a time on its socket, and one
 * `GET /api/rooms` (a database query) at a time, each timed.
 */
export async function measureVictim(
  base: string,
  socket: WebSocket,
  token: string,
  seconds: number,
): Promise<Latencies> {
  const until = performance.now() + seconds * 1000;
  const pings: number[] = [];
  const reads: number[] = [];
  const pinging = (async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      await new Promise<void>((resolve) => {
        const onMessage = (data: WebSocket.RawData) => {
          if ((JSON.parse(String(data)) as { type: string }).type !== 'pong') return;
          socket.off('message', onMessage);
          resolve();
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ type: 'ping' }));
      });
      pings.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const reading = (async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      const response = await fetch(`${base}/api/rooms`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      reads.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await Promise.all([pinging, reading]);
  return { ping: Float64Array.from(pings).sort(), rooms: Float64Array.from(reads).sort() };
}

export function describeLatencies(label: string, l: Latencies): string {
  const line = (name: string, v: Float64Array) =>
    `${name} p50 ${ms(quantile(v, 0.5))}, p95 ${ms(quantile(v, 0.95))}, max ${ms(v[v.length - 1] ?? Number.NaN)} (${v.length})`;
  return `  ${label}: ${line('ping', l.ping)}; ${line('GET /api/rooms', l.rooms)}`;
}

/**
 * The server's event-loop delay since the previous call (prom-client resets its histogram on every
 * scrape): how long the main thread was blocked at most, whoever's work blocked it. Needs the
 * server started with `METRICS_TOKEN`.
 */
export async function eventLoopDelay(base: string, token: string): Promise<{ p99: number; max: number }> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/metrics: ${response.status} ${text}`);
  const seconds = (name: string) => {
    const match = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
    if (!match) throw new Error(`/metrics has no ${name}`);
    return Number(match[1]) * 1000;
  };
  return {
    p99: seconds('nodejs_eventloop_lag_p99_seconds'),
    max: seconds('nodejs_eventloop_lag_max_seconds'),
  };
}

export const describeDelay = (d: { p99: number; max: number }) =>
  `server event-loop delay p99 ${ms(d.p99)}, max ${ms(d.max)}`;
