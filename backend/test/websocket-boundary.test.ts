import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRoom, postMessage, registerUser, uniqueName } from './support/factories.js';
import { listeningApp } from './support/socket-suite.js';

/*
 * Issue 10 item 1 and the gateway's one error boundary: no frame may end the process. The guard in
 * support/unhandled-guard.ts fails these tests if a rejection escapes, as it did on /ws/:roomId.
 */

const suite = listeningApp({ redisPrefix: uniqueName('wsb'), config: { frontendDist: '/nonexistent' } });
const { connect } = suite;
const backend = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('a room the user may not enter, opened as /ws/:roomId', () => {
  it('answers forbidden for someone else’s private room, a public room not joined and a UUID that is no room, and keeps serving', async () => {
    const owner = await registerUser(suite.app.server);
    const outsider = await registerUser(suite.app.server);
    const privateRoom = await createRoom(suite.app.server, owner, { visibility: 'private' });
    const publicRoom = await createRoom(suite.app.server, owner, { visibility: 'public' });
    const ownerSocket = await connect(owner);
    ownerSocket.send({ type: 'subscribe', roomId: publicRoom.id });
    await ownerSocket.nextOf('subscribed');

    for (const roomId of [privateRoom.id, publicRoom.id, randomUUID()]) {
      const socket = await connect(outsider, `/ws/${roomId}`);
      const error = await socket.nextOf('error');
      expect(error).toMatchObject({ type: 'error', code: 'forbidden', ref: roomId });
      // The socket stays open and answers the next frame.
      await socket.roundTrip();
      socket.close();
    }

    // The process is alive: the owner's socket still gets the room live.
    const posted = await postMessage(suite.app.server, owner, publicRoom.id, 'still here');
    await ownerSocket.next((f) => f.type === 'message.new' && f.seq === posted.seq);
    expect(suite.app.realtimeStats().followers).toBeGreaterThanOrEqual(1);
  });
});

describe('the last-resort handler of main.ts', () => {
  it('logs and counts an unhandled rejection and an uncaught exception, and the process keeps running', async () => {
    const script = `
      import pino from 'pino';
      import { installLastResort } from './src/last-resort.ts';
      import { metricsRegistry } from './src/metrics/metrics.ts';
      installLastResort(pino());
      void Promise.reject(new Error('a rejection nobody handled'));
      setTimeout(() => { throw new Error('an exception nobody caught'); }, 10);
      setTimeout(async () => {
        const text = await metricsRegistry.metrics();
        process.stdout.write(text.split('\\n').filter((l) => l.startsWith('process_unhandled_errors_total')).join('\\n') + '\\n');
        process.stdout.write('still running\\n');
      }, 100);
    `;
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: backend, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    expect(code).toBe(0);
    expect(out).toContain('process_unhandled_errors_total{kind="unhandledRejection"} 1');
    expect(out).toContain('process_unhandled_errors_total{kind="uncaughtException"} 1');
    expect(out).toContain('a rejection nobody handled');
    expect(out).toContain('an exception nobody caught');
    expect(out).toContain('still running');
  });
});
