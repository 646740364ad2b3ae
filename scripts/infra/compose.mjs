// docker-compose.yml through Debian's docker-compose (or the Docker CLI plugin), with .env.example.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import YAML from 'yaml';
import { root } from './files.mjs';
import { run } from './run.mjs';
import { backendConfigKeys } from './config-keys.mjs';

/** Values for the secrets .env.example leaves empty on purpose; only to render the file here. */
export const placeholderSecrets = {
  JWT_SECRET: 'validation-only-placeholder-not-a-secret-0123456789',
  POSTGRES_PASSWORD: 'validation-only',
  RABBITMQ_PASSWORD: 'validation-only',
};

function composeCommand() {
  if (spawnSync('sh', ['-c', 'command -v docker-compose']).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  throw new Error(
    'neither docker-compose nor the docker compose plugin is installed (apt-get install docker-compose)',
  );
}

/** Renders the compose file; `env` adds variables on top of .env.example. */
export function composeConfig(args, env) {
  const [bin, ...pre] = composeCommand();
  // An empty environment apart from PATH: values from the developer's shell must not leak in.
  return run(bin, [...pre, '--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', ...args], {
    env: { ...Object.fromEntries(Object.keys(placeholderSecrets).map((k) => [k, ''])), ...env },
  });
}

export function checkCompose() {
  const problems = [];
  const quiet = composeConfig(['-q'], placeholderSecrets);
  if (quiet.status !== 0) return { problems: [`docker-compose config -q: ${quiet.output}`], summary: '' };
  const rendered = YAML.parse(composeConfig([], placeholderSecrets).output);
  const services = rendered.services ?? {};
  const required = ['postgres', 'redis', 'rabbitmq', 'migrate', 'api', 'worker', 'frontend'];
  for (const name of required)
    if (!services[name]) problems.push(`docker-compose.yml: service ${name} is missing`);
  const configKeys = backendConfigKeys();
  for (const [name, service] of Object.entries(services)) {
    const dockerfile = service.build?.dockerfile;
    if (dockerfile && !existsSync(join(service.build.context ?? root, dockerfile)))
      problems.push(`docker-compose.yml: ${name} builds from missing ${dockerfile}`);
    for (const [dependency, { condition } = {}] of Object.entries(service.depends_on ?? {})) {
      const target = services[dependency];
      if (!target) problems.push(`docker-compose.yml: ${name} depends on unknown ${dependency}`);
      const hasHealthcheck = target?.healthcheck || target?.build?.dockerfile;
      if (condition === 'service_healthy' && !hasHealthcheck)
        problems.push(
          `docker-compose.yml: ${name} waits for ${dependency} to be healthy, which has no healthcheck`,
        );
    }
    if (service.build?.dockerfile === 'backend/Dockerfile') {
      for (const key of Object.keys(service.environment ?? {})) {
        if (!configKeys.has(key))
          problems.push(`docker-compose.yml: ${name} sets ${key}, which the backend does not read`);
      }
    }
  }
  if ((services.api?.deploy?.replicas ?? 1) < 2)
    problems.push('docker-compose.yml: api should run 2 replicas');
  return { problems, summary: `${Object.keys(services).length} services` };
}

/** The secrets guard: with any one of them empty, compose must refuse to render and say which. */
export function composeRefusesWithoutSecrets() {
  const problems = [];
  for (const name of Object.keys(placeholderSecrets)) {
    const { status, output } = composeConfig(['-q'], { ...placeholderSecrets, [name]: '' });
    if (status === 0 || !output.includes(name)) problems.push(`docker-compose accepted an empty ${name}`);
  }
  return problems;
}
