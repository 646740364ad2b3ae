import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@messaging-app/shared';
import { createLogger } from '../src/logger.js';
import { buildTestApp, metricsHeaders } from './support/app.js';
import type { TestApp } from './support/app.js';
import { createRoom, registerUser } from './support/factories.js';

/** A built web client as Vite lays it out, with the precompressed copies the build writes. */
const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;
const asset = '/assets/index-Ab12Cd34.js';

let dir: string;
let app: TestApp;
let lines: Array<{ level: number; msg: string; url?: string; statusCode?: number; code?: string }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-client-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>messaging-app</title>');
  await writeFile(join(dir, asset), script);
  await writeFile(join(dir, `${asset}.gz`), gzipSync(script));
  await writeFile(join(dir, `${asset}.br`), brotliCompressSync(script));
  await writeFile(join(dir, `${asset}.map`), '{"sources":["secret.ts"]}');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  app = await buildTestApp({
    config: { frontendDist: dir, logLevel: 'info' },
    logger: createLogger('info', sink),
  });
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the built web client', () => {
  it('sends hashed assets precompressed, cached for a year', async () => {
    const br = await app.server.inject({ url: asset, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);

    const gz = await app.server.inject({ url: asset, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const plain = await app.server.inject({ url: asset });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('has the app shell revalidated on every load', async () => {
    for (const url of ['/', '/rooms/42']) {
      const response = await app.server.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toContain('text/html');
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('publishes no source map, even one left in the build', async () => {
    const response = await app.server.inject({ url: `${asset}.map` });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('secret.ts');
  });
});

describe('access log', () => {
  it('writes one line per API request, and static files, probes and read markers only at debug', async () => {
    const user = await registerUser(app.server);
    const room = await createRoom(app.server, user);
    lines = [];
    await app.server.inject({ url: asset });
    await app.server.inject({ url: '/', headers: { accept: 'text/html' } });
    await app.server.inject({ url: '/healthz' });
    await app.server.inject({ url: '/readyz' });
    await app.server.inject({ url: '/metrics', headers: metricsHeaders });
    const read = await app.server.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/read`,
      headers: user.headers,
      payload: { seq: 1 },
    });
    expect(read.statusCode).toBe(204);
    await app.server.inject({ url: `/api/rooms/${room.id}`, headers: user.headers });
    await app.server.inject({ method: 'POST', url: api.createRoom.path, headers: user.headers, payload: {} });

    expect(lines.map((line) => line.msg.replace(/ [\d.]+ ms/, ''))).toEqual([
      `GET /api/rooms/${room.id} 200`,
      'POST /api/rooms 400 validation_failed',
    ]);
    expect(lines[1]).toMatchObject({
      level: 30,
      url: '/api/rooms',
      statusCode: 400,
      code: 'validation_failed',
    });
  });
});
