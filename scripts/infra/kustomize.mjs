// Kustomization files: their shape (ajv, strict), the files they reference, and the resources they
// gather, so every manifest is checked as part of what `kubectl apply -k` would send.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import { isDirectory, root } from './files.mjs';

const kustomizationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'resources'],
  properties: {
    apiVersion: { const: 'kustomize.config.k8s.io/v1beta1' },
    kind: { const: 'Kustomization' },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    resources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    labels: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['pairs'],
        properties: {
          pairs: { type: 'object', additionalProperties: { type: 'string' } },
          includeSelectors: { type: 'boolean' },
          includeTemplates: { type: 'boolean' },
        },
      },
    },
    images: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          newName: { type: 'string', minLength: 1 },
          newTag: { type: 'string', pattern: '^[\\w][\\w.-]{0,127}$' },
          digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        },
      },
    },
    patches: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          path: { type: 'string' },
          patch: { type: 'string' },
          target: { type: 'object' },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validateKustomization = ajv.compile(kustomizationSchema);

export function readYamlDocuments(path) {
  const text = readFileSync(join(root, path), 'utf8');
  return YAML.parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

/**
 * Reads a kustomization directory recursively. Returns its problems, the manifest files it gathers
 * (base first) and the image names it sets.
 */
export function loadKustomization(dir, problems = [], seen = new Set()) {
  const file = join(dir, 'kustomization.yaml');
  const files = [];
  const images = [];
  if (seen.has(dir)) return { files, images, problems };
  seen.add(dir);
  if (!existsSync(join(root, file))) {
    problems.push(`${dir}: no kustomization.yaml`);
    return { files, images, problems };
  }
  const [kustomization] = readYamlDocuments(file);
  if (!validateKustomization(kustomization)) {
    for (const e of validateKustomization.errors ?? [])
      problems.push(`${file}: ${e.instancePath || '/'} ${e.message}`);
    return { files, images, problems };
  }
  for (const resource of kustomization.resources) {
    const path = relative(root, join(root, dir, resource));
    if (isDirectory(join(root, path))) {
      const nested = loadKustomization(path, problems, seen);
      files.push(...nested.files);
      images.push(...nested.images);
    } else if (existsSync(join(root, path))) {
      files.push(path);
    } else {
      problems.push(`${file}: resource ${resource} does not exist`);
    }
  }
  for (const patch of kustomization.patches ?? []) {
    if (patch.path && !existsSync(join(root, dir, patch.path)))
      problems.push(`${file}: patch ${patch.path} does not exist`);
  }
  images.push(...(kustomization.images ?? []).map((i) => i.name));
  return { files, images, problems, namespace: kustomization.namespace, dir: dirname(file) };
}
