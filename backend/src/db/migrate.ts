import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Database } from './client.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The one migrations folder, next to this file in the sources and copied next to it by the build. */
export const migrationsFolder = [join(here, 'migrations'), join(here, '../../src/db/migrations')].find(
  (dir) => existsSync(join(dir, 'meta', '_journal.json')),
);

/** Serialises concurrent migrators (several replicas starting at once) on one PostgreSQL. */
const migrationLockKey = 7_340_112_233;

/** Applies every pending migration; safe to run from several processes at once. */
export async function migrate(database: Database): Promise<void> {
  if (!migrationsFolder) throw new Error('migrations folder not found');
  if (database.kind === 'pglite' || !database.url) {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    // Ending the session releases its advisory lock, on success and on failure alike.
    await client.end();
  }
}
