// Running an external linter: its output becomes the problem list.
import { spawnSync } from 'node:child_process';
import { root } from './files.mjs';

/** Runs a command in the repository root; `input` goes to stdin. */
export function run(command, args, { input, env } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The command, or a clear failure naming the package to install; a missing linter is never a pass. */
export function requireCommand(command, installHint) {
  const probe = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${command} is not installed (${installHint})`);
  return command;
}
