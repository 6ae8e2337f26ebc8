/**
 * Kubernetes manifests → the images they run. Reads multi-document YAML (Helm-rendered output
 * included), JSON (`kubectl get ... -o json`, `List` kinds) and directories of such files.
 */
import { parseAllDocuments } from 'yaml';
import { InputError } from '../core/errors.js';

export interface ContainerRef {
  name: string;
  image: string;
  /** 'containers' | 'initContainers' | 'ephemeralContainers' */
  role: string;
}

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  /** The file (or '-') and document index the workload came from. */
  origin: string;
  containers: ContainerRef[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where the pod spec lives for each workload kind. */
function podSpecOf(kind: string, obj: Obj): Obj | undefined {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (!spec) return undefined;
  switch (kind) {
    case 'Pod':
      return spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job': {
      const t = isObj(spec.template) ? spec.template : undefined;
      return t && isObj(t.spec) ? t.spec : undefined;
    }
    case 'CronJob': {
      const jt = isObj(spec.jobTemplate) ? spec.jobTemplate : undefined;
      const js = jt && isObj(jt.spec) ? jt.spec : undefined;
      const t = js && isObj(js.template) ? js.template : undefined;
      return t && isObj(t.spec) ? t.spec : undefined;
    }
    case 'PodTemplate': {
      const t = isObj(obj.template) ? obj.template : undefined;
      return t && isObj(t.spec) ? t.spec : undefined;
    }
    default:
      return undefined;
  }
}

function containersOf(podSpec: Obj): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const role of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = podSpec[role];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (isObj(c) && typeof c.image === 'string' && c.image.trim() !== '') {
        out.push({ name: typeof c.name === 'string' ? c.name : '', image: c.image.trim(), role });
      }
    }
  }
  return out;
}

function collect(obj: unknown, origin: string, out: Workload[], depth = 0): void {
  if (depth > 8 || !isObj(obj)) return;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if ((kind === 'List' || kind.endsWith('List')) && Array.isArray(obj.items)) {
    obj.items.forEach((item, i) => collect(item, `${origin}#items[${i}]`, out, depth + 1));
    return;
  }
  const podSpec = podSpecOf(kind, obj);
  if (!podSpec) return;
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const containers = containersOf(podSpec);
  if (containers.length === 0) return;
  out.push({
    kind,
    namespace: typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default',
    name: typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)',
    origin,
    containers,
  });
}

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Workloads in one manifest text. Throws InputError (exit 3) when the text is not YAML/JSON.
 * Documents that are not workloads (Services, ConfigMaps, ...) are ignored.
 */
export function parseManifests(text: string, origin: string): Workload[] {
  if (text.length > MAX_MANIFEST_BYTES) {
    throw new InputError('AUDIT_MANIFEST_TOO_LARGE', `manifest ${origin} is larger than ${MAX_MANIFEST_BYTES} bytes`, {
      hint: 'split the manifest into several files',
    });
  }
  const out: Workload[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos ? ` at line ${e.linePos[0].line}` : '';
      throw new InputError('AUDIT_MANIFEST_INVALID', `manifest ${origin} (document ${i + 1}) is not valid YAML or JSON${line}: ${e.message.split('\n')[0]}`, {
        hint: 'check the file with `kubectl apply --dry-run=client -f FILE`',
      });
    }
    collect(doc.toJS({ maxAliasCount: 100 }), list.length > 1 ? `${origin}#${i + 1}` : origin, out);
  });
  return out;
}
