// Finding the repository's own files (never node_modules, build output or data).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

const skipped = new Set([
  'node_modules',
  'dist',
  'data',
  '.git',
  'coverage',
  '.vite',
  'bench-results',
  'screenshots',
]);

/** Repository-relative paths of every file whose path matches `test`, sorted. */
export function findFiles(test, dir = root) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(test, path));
    else if (entry.isFile() && test(relative(root, path))) found.push(relative(root, path));
  }
  return found.sort();
}

export function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
