// The compiled server reads its SQL migrations next to dist/db, as the sources do next to src/db.
import { cpSync, rmSync } from 'node:fs';

rmSync(new URL('../dist/db/migrations', import.meta.url), { recursive: true, force: true });
cpSync(new URL('../src/db/migrations', import.meta.url), new URL('../dist/db/migrations', import.meta.url), {
  recursive: true,
});
