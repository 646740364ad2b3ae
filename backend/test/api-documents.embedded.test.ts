import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@messaging-app/shared';
import { buildTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { ApiSession, probeRest, realisticSession } from './support/api-session.js';

/**
 * The API document checked by tools nobody here wrote, from this repository's devDependencies (no network):
 * Redocly's linter with its recommended rules, and Stoplight Prism's validating proxy in front of the real
 * server while a session calls every operation. Re-run after adding routes:
 *   cd backend && npx vitest run --project embedded test/api-documents.embedded.test.ts
 */

const require = createRequire(import.meta.url);
const binOf = (pkg: string, name: string) => {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bin = (require(manifest) as { bin: Record<string, string> }).bin[name];
  if (!bin) throw new Error(`${pkg} has no ${name} binary`);
  return join(dirname(manifest), bin);
};
/** Neither tool may phone home from a test. */
const quietEnv = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_UPDATE_NOTIFIER: '1',
  SCARF_ANALYTICS: 'false',
};

let app: TestApp;
let dir: string;
let documentPath: string;
let baseUrl: string;

beforeAll(async () => {
  app = await buildTestApp({ mode: 'embedded' });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  documentPath = join(dir, 'openapi.json');
  const response = await app.server.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  await writeFile(documentPath, response.body);
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('OpenAPI document', () => {
  it('names every operation after its key in the shared route table', async () => {
    const doc = (await app.server.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const [name, endpoint] of Object.entries(api)) {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path][endpoint.method.toLowerCase()];
      expect(operation.operationId, `${endpoint.method} ${path}`).toBe(name);
      expect(operation.security, name).toEqual(endpoint.auth ? [{ bearerAuth: [] }] : []);
      for (const [status, response] of Object.entries(endpoint.responses)) {
        if (response === null)
          expect(operation.responses[status].content, `${name} ${status}`).toBeUndefined();
      }
    }
  });

  it('passes `redocly lint` with the recommended rules: no error, no warning', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [binOf('@redocly/cli', 'redocly'), 'lint', documentPath, '--extends=recommended', '--format=json'],
      { env: quietEnv, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      // redocly exits non-zero when it finds errors: the report is still on stdout.
      if (error.stdout) return { stdout: error.stdout };
      throw error;
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  describe('through Prism’s validating proxy', () => {
    let prism: ChildProcess | undefined;
    let prismUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      prismUrl = `http://127.0.0.1:${port}`;
      prism = spawn(
        process.execPath,
        [
          binOf('@stoplight/prism-cli', 'prism'),
          'proxy',
          documentPath,
          baseUrl,
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
        ],
        { env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      await listening(prism, 'Prism is listening');
    }, 120_000);

    afterAll(async () => {
      if (prism && prism.exitCode === null) {
        const exited = new Promise((resolve) => prism?.once('exit', resolve));
        prism.kill('SIGTERM');
        await exited;
      }
    });

    it('finds no violation over a session that calls every operation', async () => {
      const session = new ApiSession(prismUrl);
      await realisticSession(session);
      const probed = await probeRest(session);
      if (probed.length > 0) console.log(`[prism] probed only, not scripted: ${probed.join(', ')}`);

      expect([...session.called()].sort()).toEqual(Object.keys(api).sort());
      // A probe's input is generic, so Prism may object to the request; the response must still be right.
      const violations = session.calls.flatMap((call) =>
        call.violations
          .filter((v) => !call.probe || v.location[0] === 'response')
          .map((v) => `${call.operation} ${call.status}: ${v.location.join('.')} ${v.message}`),
      );
      expect(violations).toEqual([]);
      console.log(
        `[prism] ${session.calls.length} exchanges, ${session.called().size} operations, 0 violations`,
      );
    }, 120_000);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves when the child prints `line`; rejects when it exits first. */
function listening(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(line)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before "${line}":\n${output}`)));
  });
}
