import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import type { Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { services } from './services.js';
import { loadTemplate } from './pglite-template.js';
import { withDatabase } from './database-url.js';
import type { TestMode } from './services.js';

export interface TestDatabase {
  database: Database;
  /** The PostgreSQL URL of the fresh database, for a second process or instance. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh database, PostgreSQL (`services`) or in-memory PGlite (`embedded`), migrated and empty. */
export async function createTestDatabase(mode: TestMode): Promise<TestDatabase> {
  if (mode === 'embedded') {
    // The embedded project starts every database from one migrated template (support/pglite-template.ts);
    // migrate() then only confirms there is nothing left to apply.
    const templatePath = process.env.VITEST ? inject('pgliteTemplate') : undefined;
    const template = templatePath ? await loadTemplate(templatePath) : undefined;
    const database = await openDatabase({ dataDir: 'memory://', template });
    await migrate(database);
    return { database, drop: () => database.close() };
  }
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // The services project copies one migrated database (support/postgres-template.ts); migrate() then
  // only confirms there is nothing left to apply.
  const template = process.env.VITEST ? inject('postgresTemplate') : undefined;
  const admin = new pg.Client({ connectionString: services.postgres });
  await admin.connect();
  try {
    await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(services.postgres, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 10 });
  await migrate(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: services.postgres });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
