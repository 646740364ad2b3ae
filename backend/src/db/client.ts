import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { schema } from './schema.js';
import { lockDataDir } from './lock.js';
import { pgliteExtensions } from './pglite-extensions.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The PostgreSQL connection string, when there is one. */
  url?: string;
  /** Runs raw SQL; used for health checks, locks and test setup. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. */
  dataDir: string;
  /**
   * A PGlite data directory dumped with `dumpDataDir` to start the in-memory store from, instead of an
   * empty cluster (tests start from one migrated template).
   */
  template?: Blob;
  poolSize?: number;
  /**
   * How long a query may wait for its answer before the connection is given up (DATABASE_QUERY_TIMEOUT_MS):
   * a stalled server or network then fails requests with 503 instead of hanging them.
   */
  queryTimeoutMs?: number;
  /** How long opening a connection, or waiting for a free one, may take (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** Told about connections that die, idle or in use; the pool replaces them. */
  onConnectionError?: (error: Error) => void;
}

/** The `pg` connection under a client: not in the typings, but stable since pg 7. */
interface WithStream {
  connection?: { stream?: { destroy(): void } };
}

function queryText(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

/**
 * Makes a pooled client safe to lose mid-transaction:
 * - A query that timed out leaves its connection mid-protocol, possibly inside an open transaction: the
 *   connection must never serve another query. Destroying its socket makes the client unqueryable, so
 *   the transaction's ROLLBACK fails at once and the pool discards the client on release.
 * - drizzle's `transaction()` releases its client only after a successful BEGIN: a BEGIN that fails on a
 *   dead connection would keep the client checked out forever, and a few such failures exhaust the
 *   pool for good. The client is released (and discarded) here instead, exactly once.
 * Transactions use the promise form of `query`; `pool.query` uses the callback form and releases itself.
 */
function guardPooledClient(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const discardOnTimeout = (error: unknown) => {
    if (error instanceof Error && error.message === 'Query read timeout') {
      (client as unknown as WithStream).connection?.stream?.destroy();
    }
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        if (error) discardOnTimeout(error);
        (callback as (error: unknown, result: unknown) => void)(error, result);
      };
      return query(...args);
    }
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    const begins = /^\s*begin\b/i.test(queryText(args[0]));
    // The caller gets the rejection through `result`; this only reacts to it.
    result.catch((error: unknown) => {
      discardOnTimeout(error);
      if (!begins) return;
      const release = client.release;
      client.release = () => undefined;
      release(error instanceof Error ? error : new Error(String(error)));
    });
    return result;
  };
}

/** `DATABASE_URL` selects PostgreSQL; without it the embedded PGlite store lives in DATA_DIR. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      keepAlive: true,
    });
    const onConnectionError =
      options.onConnectionError ??
      ((error: Error) => process.emitWarning(`postgres connection: ${error.message}`));
    // A connection that dies (pg_terminate_backend, a failover, a network reset) emits 'error' on its
    // client, idle or checked out; unheard, that ends the process. The pool listens to idle clients;
    // this listener stays for the client's whole life, so a death inside a transaction is heard too,
    // and the transaction's next query rejects, which fails its request with 503.
    pool.on('connect', (client) => {
      client.on('error', onConnectionError);
      guardPooledClient(client);
    });
    // The pool re-emits an idle client's error, which the client's own listener above already reported.
    pool.on('error', () => undefined);
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      url: options.databaseUrl,
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => pool.end(),
    };
  }
  const inMemory = options.dataDir === 'memory://';
  const release = inMemory ? () => undefined : lockDataDir(options.dataDir);
  try {
    const client = inMemory
      ? await PGlite.create({
          extensions: pgliteExtensions,
          ...(options.template ? { loadDataDir: options.template } : {}),
        })
      : await PGlite.create(join(options.dataDir, 'pglite'), { extensions: pgliteExtensions });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      ping: async () => {
        await client.query('select 1');
      },
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
