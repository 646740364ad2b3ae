// The environment variables the backend reads: the UPPER_CASE keys of the zod objects in config.ts
// and in the modules config.ts imports (rate limits live in ratelimit/settings.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { root } from './files.mjs';

const entry = 'backend/src/config.ts';

function envKeys(source) {
  const keys = [];
  for (const [, block] of source.matchAll(/= z\.object\(\{([\s\S]*?)\n\}\);/g)) {
    keys.push(...[...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]));
  }
  return keys;
}

export function backendConfigKeys() {
  const source = readFileSync(join(root, entry), 'utf8');
  const keys = envKeys(source);
  if (keys.length === 0)
    throw new Error(`${entry}: found no environment schema (z.object with UPPER_CASE keys)`);
  for (const [, path] of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
    const file = join(root, dirname(entry), `${path}.ts`);
    if (existsSync(file)) keys.push(...envKeys(readFileSync(file, 'utf8')));
  }
  return new Set(keys);
}
