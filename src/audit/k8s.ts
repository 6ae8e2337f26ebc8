/**
 * Kubernetes manifests → the images they run. Reads multi-document YAML (Helm-rendered output
 * included), JSON (`kubectl get ... -o json`, `List` kinds) and directories of such files.
 */
import { isScalar, parseAllDocuments } from 'yaml';
import { InputError } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';

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

/** Workload kinds whose pod spec custody reads (`podSpecOf`). */
const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate']);

/** Containers of a pod spec; a container list that is not a list, or a container without a usable image, is not read. */
function containersOf(podSpec: Obj, unread: (reason: string) => void): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const role of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = podSpec[role];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      unread(`${role} is ${describeValue(list)}, not a list of containers`);
      continue;
    }
    list.forEach((c, i) => {
      const label = isObj(c) && typeof c.name === 'string' && c.name !== '' ? `${role} ${c.name}` : `${role}[${i}]`;
      if (!isObj(c)) unread(`${label} is ${describeValue(c)}, not a container`);
      else if (typeof c.image !== 'string') unread(`${label} has ${c.image === undefined ? 'no image' : `an image that is ${describeValue(c.image)}, not a string`}`);
      else if (c.image.trim() === '') unread(`${label} has an empty image`);
      else out.push({ name: typeof c.name === 'string' ? c.name : '', image: c.image.trim(), role });
    });
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}

/** Does an object of a kind custody does not read run containers anyway (an Argo Rollout, a Knative Service, a CRD)? */
function runsContainers(v: unknown, depth = 0): boolean {
  if (depth > 12 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => runsContainers(x, depth + 1));
  const o = v as Obj;
  if (Array.isArray(o.containers) && o.containers.some((c) => isObj(c) && 'image' in c)) return true;
  return Object.values(o).some((x) => runsContainers(x, depth + 1));
}

function collect(obj: unknown, origin: string, out: ManifestRead, depth = 0): void {
  const unreadManifest = (reason: string): void => void out.incomplete.push({ kind: 'manifest', path: origin, reason });
  if (depth > 8) return unreadManifest('Lists nested deeper than 8 levels');
  if (!isObj(obj)) return unreadManifest(`the document is ${describeValue(obj)}, not a Kubernetes object`);
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (kind === 'List' || kind.endsWith('List')) {
    if (!Array.isArray(obj.items)) return unreadManifest(`${kind || 'List'} without an items list`);
    obj.items.forEach((item, i) => collect(item, `${origin}#items[${i}]`, out, depth + 1));
    return;
  }
  if (kind === '') return unreadManifest('the document has no kind: not a Kubernetes object');
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const unreadWorkload = (reason: string): void => void out.incomplete.push({ kind: 'workload', path: `${origin} ${kind} ${namespace}/${name}`, reason });
  if (!WORKLOAD_KINDS.has(kind)) {
    // Services, ConfigMaps ... run nothing. A kind custody does not read that holds containers is not audited: say so.
    if (runsContainers(obj)) unreadWorkload(`kind ${kind} runs containers, but custody does not read its pod spec`);
    return;
  }
  const podSpec = podSpecOf(kind, obj);
  if (!podSpec) return unreadWorkload('no pod spec where this kind has one');
  const containers = containersOf(podSpec, unreadWorkload);
  if (containers.length === 0) {
    if (!out.incomplete.some((i) => i.path === `${origin} ${kind} ${namespace}/${name}`)) unreadWorkload('the pod spec has no containers');
    return;
  }
  out.workloads.push({ kind, namespace, name, origin, containers });
}

/** Workloads of a manifest text, and what could not be read (README "Completeness"). */
export interface ManifestRead {
  workloads: Workload[];
  /**
   * Documents that are not Kubernetes objects (a bare string, number, null or list), that do not parse,
   * an input with no document at all; workloads whose containers name no usable image; kinds that run
   * containers custody does not read. An audit that passes over any of these exits 3.
   */
  incomplete: Incomplete[];
}

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Workloads in one manifest text, and what could not be read: a document that does not parse or is not a
 * Kubernetes object, a workload without usable images, an input with no document at all. Documents that
 * are not workloads (Services, ConfigMaps, ...) are ignored; empty documents between `---` (Helm's
 * comment-only ones) too. Throws InputError (exit 3) only for a text over the size limit.
 */
export function readManifests(text: string, origin: string): ManifestRead {
  if (text.length > MAX_MANIFEST_BYTES) {
    throw new InputError('AUDIT_MANIFEST_TOO_LARGE', `manifest ${origin} is larger than ${MAX_MANIFEST_BYTES} bytes`, {
      hint: 'split the manifest into several files',
    });
  }
  const out: ManifestRead = { workloads: [], incomplete: [] };
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  let documents = 0;
  list.forEach((doc, i) => {
    const where = list.length > 1 ? `${origin}#${i + 1}` : origin;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos ? ` at line ${e.linePos[0].line}` : '';
      out.incomplete.push({ kind: 'manifest', path: where, reason: `not valid YAML or JSON${line}: ${e.message.split('\n')[0]}` });
      documents++;
      return;
    }
    // `---` with nothing but comments (Helm renders one per skipped template) is no document; `null` written out is one.
    const c = doc.contents;
    if (c === null || (isScalar(c) && c.value === null && (c.source ?? '') === '')) return;
    documents++;
    try {
      collect(doc.toJS({ maxAliasCount: 100 }), where, out);
    } catch (err) {
      out.incomplete.push({ kind: 'manifest', path: where, reason: `cannot be read: ${(err as Error).message.split('\n')[0]}` });
    }
  });
  if (documents === 0) out.incomplete.push({ kind: 'manifest', path: origin, reason: text.trim() === '' ? 'empty: no YAML or JSON document' : 'no YAML or JSON document (only comments)' });
  return out;
}

/** The workloads of `readManifests` (what could not be read is dropped: use `readManifests` to report it). */
export function parseManifests(text: string, origin: string): Workload[] {
  return readManifests(text, origin).workloads;
}
