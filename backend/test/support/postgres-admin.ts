import pg from 'pg';
import { services } from './services.js';

/** Runs `run` on a connection to the test PostgreSQL server's default database, then closes it. */
export async function onPostgres<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: services.postgres });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
