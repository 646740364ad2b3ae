// .env.example documents every variable the backend reads, and holds no secret value.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './files.mjs';
import { backendConfigKeys } from './config-keys.mjs';

const secretNames = /SECRET|PASSWORD|TOKEN|KEY/;

export function checkEnvExample() {
  const problems = [];
  const text = readFileSync(join(root, '.env.example'), 'utf8');
  const documented = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  for (const key of backendConfigKeys()) {
    if (!documented.has(key))
      problems.push(`.env.example: ${key} (read by backend/src/config.ts) is not documented`);
  }
  for (const [, key, value] of text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) {
    if (secretNames.test(key) && value.trim() !== '')
      problems.push(`.env.example: ${key} must be empty, not a value`);
  }
  return { problems, summary: `${documented.size} variables documented` };
}
