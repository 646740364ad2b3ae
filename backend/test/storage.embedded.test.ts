import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/client.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { migrate } from '../src/db/migrate.js';
import { users } from '../src/db/schema.js';
import { loadConfig, ConfigError } from '../src/config.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'messaging-app-test-'));

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/main.ts', 'migrate'],
      {
        cwd: join(import.meta.dirname, '..'),
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('the embedded store', () => {
  it('keeps data across a restart', async () => {
    const dir = tempDir();
    try {
      const first = await openDatabase({ dataDir: dir });
      await migrate(first);
      await first.db.insert(users).values({
        username: 'keeper',
        email: 'keeper@example.test',
        displayName: 'Keeper',
        passwordHash: 'x',
      });
      await first.close();
      const second = await openDatabase({ dataDir: dir });
      const rows = await second.db.select({ username: users.username }).from(users);
      expect(rows).toEqual([{ username: 'keeper' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second opener of the same directory', async () => {
    const dir = tempDir();
    try {
      const first = await openDatabase({ dataDir: dir });
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      const other = await runMain({ DATA_DIR: dir, NODE_ENV: 'development' });
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(/data directory .* is in use by process/);
      await first.close();
      const after = await openDatabase({ dataDir: dir });
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  it('generates a development secret once and keeps it in DATA_DIR', () => {
    const dir = tempDir();
    try {
      const first = loadConfig({ DATA_DIR: dir });
      const second = loadConfig({ DATA_DIR: dir });
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production without a strong JWT_SECRET, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'changeme' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    const ok = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(16) + 'y'.repeat(16) + 'z' });
    expect(ok.env).toBe('production');
  });

  it('names the variable of an invalid value', () => {
    expect(() => loadConfig({ PORT: 'eighty', JWT_SECRET: 'a'.repeat(40) })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url', JWT_SECRET: 'a'.repeat(40) })).toThrow(
      /DATABASE_URL/,
    );
  });
});
