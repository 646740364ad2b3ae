// The compiled server reads its SQL migrations next to dist/db, as the sources do next to src/db, and
// the common-password list next to dist/services/auth.
import { cpSync, rmSync } from 'node:fs';

rmSync(new URL('../dist/db/migrations', import.meta.url), { recursive: true, force: true });
cpSync(new URL('../src/db/migrations', import.meta.url), new URL('../dist/db/migrations', import.meta.url), {
  recursive: true,
});
cpSync(
  new URL('../src/services/auth/common-passwords.txt', import.meta.url),
  new URL('../dist/services/auth/common-passwords.txt', import.meta.url),
);
