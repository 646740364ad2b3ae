import type { Extensions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * The contrib modules every embedded database is opened with. PGlite can only `CREATE EXTENSION` what its
 * constructor was given, and a data directory that used one must be reopened with it: message search's
 * trigram index (migration 0006) needs `pg_trgm`.
 */
export const pgliteExtensions: Extensions = { pg_trgm };
