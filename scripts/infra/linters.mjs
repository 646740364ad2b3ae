// yamllint over every YAML file, shellcheck over every shell script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFiles, root } from './files.mjs';
import { requireCommand, run } from './run.mjs';

export function yamlFiles() {
  return findFiles((path) => /\.ya?ml$/.test(path) && path !== 'package-lock.yaml');
}

/** yamllint with the repository's .yamllint, warnings included (--strict). */
export function yamllint(files = yamlFiles()) {
  const bin = requireCommand('yamllint', 'apt-get install yamllint');
  const { status, output } = run(bin, ['--strict', '-f', 'parsable', '-c', '.yamllint', ...files]);
  return status === 0 ? [] : output.split('\n').filter(Boolean);
}

/** yamllint on a snippet; used by the negative controls. */
export function yamllintText(text) {
  const { status, output } = run('yamllint', ['--strict', '-f', 'parsable', '-c', '.yamllint', '-'], {
    input: text,
  });
  return status === 0 ? [] : output.split('\n').filter(Boolean);
}

/** Every `*.sh`, plus extensionless scripts with a shell shebang (such as .ci/run). */
export function shellScripts() {
  return findFiles((path) => {
    if (path.endsWith('.sh')) return true;
    if (/\.[a-z0-9]+$/i.test(path.split('/').pop() ?? '')) return false;
    const head = readFileSync(join(root, path), 'utf8').slice(0, 64);
    return /^#!.*\b(ba|da|k)?sh\b/.test(head);
  });
}

export function shellcheck(files = shellScripts()) {
  const bin = requireCommand('shellcheck', 'apt-get install shellcheck');
  if (files.length === 0) return [];
  const { status, output } = run(bin, ['-f', 'gcc', ...files]);
  return status === 0 ? [] : output.split('\n').filter(Boolean);
}

export function shellcheckText(text) {
  const { status, output } = run('shellcheck', ['-f', 'gcc', '-s', 'bash', '-'], { input: text });
  return status === 0 ? [] : output.split('\n').filter(Boolean);
}
