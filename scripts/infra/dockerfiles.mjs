// The Dockerfiles, read as text (no Docker engine here): what they copy exists, bases are pinned
// to a version, the final stage runs as a non-root user and declares a HEALTHCHECK.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFiles, root } from './files.mjs';

export function checkDockerfile(path, text) {
  const problems = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = Object.fromEntries(
    lines.filter((l) => /^ARG \w+=/.test(l)).map((l) => /^ARG (\w+)=(\S+)/.exec(l).slice(1, 3)),
  );
  const expand = (s) => s.replace(/\$\{(\w+)\}/g, (_, n) => args[n] ?? '');
  const stages = [];
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const word = instruction.toUpperCase();
    if (word === 'FROM') {
      const image = expand(rest[0]);
      const isStage = stages.some((s) => s.name === image);
      if (!isStage && (!/:[\w.-]+/.test(image) || image.endsWith(':latest')))
        problems.push(`${path}: base image ${image} must be pinned to a version`);
      stages.push({ name: rest[2], user: undefined, healthcheck: false });
    }
    const stage = stages[stages.length - 1];
    if (word === 'USER' && stage) stage.user = rest[0];
    if (word === 'HEALTHCHECK' && stage) stage.healthcheck = true;
    if (word === 'COPY' && !rest.some((r) => r.startsWith('--from='))) {
      const sources = rest.filter((r) => !r.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        if (!existsSync(join(root, source))) problems.push(`${path}: COPY source ${source} does not exist`);
      }
    }
  }
  const last = stages[stages.length - 1];
  const inheritsNonRoot = /nginx-unprivileged/.test(text);
  if (!last) problems.push(`${path}: no FROM`);
  else {
    if (!inheritsNonRoot && (!last.user || last.user === 'root' || last.user === '0'))
      problems.push(`${path}: the final stage must switch to a non-root USER`);
    if (!last.healthcheck) problems.push(`${path}: the final stage must declare a HEALTHCHECK`);
  }
  return problems;
}

export function checkDockerfiles() {
  const files = findFiles((p) => /(^|\/)Dockerfile$/.test(p));
  const problems = files.flatMap((f) => checkDockerfile(f, readFileSync(join(root, f), 'utf8')));
  for (const required of ['backend/Dockerfile', 'frontend/Dockerfile', '.dockerignore']) {
    if (!existsSync(join(root, required))) problems.push(`${required} is missing`);
  }
  return { problems, summary: `${files.length} Dockerfiles` };
}
