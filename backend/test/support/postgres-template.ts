import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { services } from './services.js';
import { onPostgres } from './postgres-admin.js';
import { withDatabase } from './database-url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL database with every migration applied, copied by each test database (`services` project only). */
    postgresTemplate: string | undefined;
  }
}

/**
 * Vitest global setup of the `services` project: one database is created and migrated once per run;
 * every test database is then `CREATE DATABASE … TEMPLATE` of it (a file copy) instead of running
 * every migration again. Dropped when the run ends.
 */
export default async function setup(project: TestProject) {
  const name = `t_template_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onPostgres((client) => client.query(`create database ${name}`));
  // The same migrate() the app runs; the pool is closed before anyone copies the database.
  const database = await openDatabase({
    databaseUrl: withDatabase(services.postgres, name),
    dataDir: 'memory://',
  });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  project.provide('postgresTemplate', name);
  return async () => {
    await onPostgres((client) => client.query(`drop database if exists ${name} with (force)`));
  };
}
