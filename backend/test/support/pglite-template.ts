import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { pgliteExtensions } from '../../src/db/pglite-extensions.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dumped PGlite data directory with every migration applied (embedded project only). */
    pgliteTemplate: string | undefined;
  }
}

/**
 * Vitest global setup of the `embedded` project: one PGlite cluster is created and migrated once per run and
 * dumped to a file; every test database then starts from that dump (`loadDataDir`) instead of running
 * initdb and the migrations again, which is most of what an embedded test file used to spend.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'pglite-template-'));
  const path = join(dir, 'migrated.tar');
  const client = await PGlite.create({ extensions: pgliteExtensions });
  try {
    // The same migrate() the app runs, on a cluster whose files can be dumped.
    await migrate({
      db: drizzle(client) as unknown as Database['db'],
      kind: 'pglite',
      ping: async () => undefined,
      close: async () => undefined,
    });
    const dump = await client.dumpDataDir('none');
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await client.close();
  }
  project.provide('pgliteTemplate', path);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

let template: Promise<Blob> | undefined;

/** The migrated template of this run, read once per worker. */
export function loadTemplate(path: string): Promise<Blob> {
  template ??= readFile(path).then((bytes) => new Blob([bytes]));
  return template;
}
