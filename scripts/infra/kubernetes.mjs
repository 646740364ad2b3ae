// Every manifest under k8s/: schema (strict), kustomizations, and the cross-object rules.
import { dirname } from 'node:path';
import { findFiles } from './files.mjs';
import { loadKustomization, readYamlDocuments } from './kustomize.mjs';
import { validateObject } from './kubernetes-schema.mjs';
import { checkObjects } from './kubernetes-rules.mjs';
import { backendConfigKeys } from './config-keys.mjs';

const secretsTemplate = 'k8s/secrets.yaml';
const namespace = 'messaging-app';

export function checkKubernetes() {
  const problems = [];
  const manifests = findFiles(
    (p) => p.startsWith('k8s/') && /\.ya?ml$/.test(p) && !p.endsWith('kustomization.yaml'),
  );
  const kustomizationDirs = findFiles((p) => p.startsWith('k8s/') && p.endsWith('/kustomization.yaml')).map(
    dirname,
  );

  const objectsOf = new Map();
  let count = 0;
  for (const file of manifests) {
    const objects = readYamlDocuments(file).filter((o) => o !== null);
    objectsOf.set(file, objects);
    for (const object of objects) {
      count += 1;
      for (const problem of validateObject(object))
        problems.push(`${file} ${object.kind}/${object.metadata?.name}: ${problem}`);
    }
  }

  const gathered = new Set();
  const placeholders = new Set();
  const builds = [];
  for (const dir of kustomizationDirs) {
    const build = loadKustomization(dir);
    problems.push(...build.problems);
    build.files.forEach((f) => gathered.add(f));
    build.images.forEach((i) => placeholders.add(i));
    builds.push({ dir, ...build });
  }
  for (const file of manifests) {
    if (file !== secretsTemplate && !gathered.has(file))
      problems.push(`${file}: not listed in any kustomization.yaml`);
  }

  // What a release applies: everything the kustomizations gather (the overlay and the migration Job)
  // plus the Secrets created from the template.
  const secrets = objectsOf.get(secretsTemplate) ?? [];
  if (secrets.length === 0) problems.push(`${secretsTemplate}: missing`);
  const configKeys = backendConfigKeys();
  const release = [...gathered].flatMap((f) => objectsOf.get(f) ?? []);
  problems.push(...checkObjects([...release, ...secrets], { placeholders, namespace, configKeys }));

  const usedImages = new Set(
    [...objectsOf.values()]
      .flat()
      .flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c) => c.image)),
  );
  for (const image of placeholders) {
    if (!usedImages.has(image)) problems.push(`kustomize images: ${image} is not used by any container`);
  }
  return {
    problems,
    summary: `${count} objects in ${manifests.length} files, ${kustomizationDirs.length} kustomizations`,
  };
}
