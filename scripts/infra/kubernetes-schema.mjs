// One Kubernetes object against its OpenAPI schema (kubernetes-models' ajv validators), strictly:
// a field the schema does not know is an error, as `kubectl apply --validate=strict` would say.
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';

const groups = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'autoscaling/v2': autoscaling,
};

/*
 * The generated validators only read the properties their schema declares, and enumerate the keys of
 * free-form maps (labels, annotations, data). Watching reads through a Proxy therefore tells which
 * fields of the manifest the schema never looked at: those are unknown fields (typos, wrong level).
 */
function watchReads(root) {
  const seen = new Map();
  const wrap = (value, path) => {
    if (value === null || typeof value !== 'object') return value;
    const known = seen.get(value);
    if (known) return known.proxy;
    const info = { path, value, read: new Set(), enumerated: false, proxy: undefined };
    info.proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return child;
        info.read.add(key);
        return wrap(child, `${path}.${key}`);
      },
      ownKeys(target) {
        info.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    seen.set(value, info);
    return info.proxy;
  };
  const proxy = wrap(root, '');
  const unknownFields = () => {
    const unknown = [];
    for (const info of seen.values()) {
      if (Array.isArray(info.value) || info.enumerated) continue;
      for (const key of Object.keys(info.value)) {
        if (!info.read.has(key)) unknown.push(`${info.path}.${key}`.replace(/^\./, ''));
      }
    }
    return unknown;
  };
  return { proxy, unknownFields };
}

/** Problems of one object: unsupported kind, schema violations, unknown fields. */
export function validateObject(object) {
  const { apiVersion, kind } = object ?? {};
  const Model = groups[apiVersion]?.[kind];
  if (typeof Model !== 'function') return [`unsupported apiVersion/kind ${apiVersion}/${kind}`];
  const problems = [];
  const watched = watchReads(structuredClone(object));
  try {
    Model.prototype.validate.call(watched.proxy);
  } catch (error) {
    problems.push(`schema: ${error.message}`);
  }
  for (const field of watched.unknownFields()) problems.push(`unknown field ${field}`);
  return problems;
}
