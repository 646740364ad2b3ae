// The environment variables the backend reads: the keys of the zod `Env` object in config.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './files.mjs';

export function backendConfigKeys() {
  const source = readFileSync(join(root, 'backend/src/config.ts'), 'utf8');
  const block = /const Env = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1];
  if (!block) throw new Error('backend/src/config.ts: could not find `const Env = z.object({ ... });`');
  return new Set([...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]));
}
