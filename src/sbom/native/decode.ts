/**
 * Reads custody's own `json` format back into the model (the inverse of encodeNativeSbom): sniffed by
 * its `custodySbomVersion` like any other format, and read by every command that reads SBOMs.
 * The shape of everything the model's readers rely on is checked here (types of the identity fields,
 * locations, marks, the completeness declaration); the full JSON schema is what `sbom validate` checks
 * (docs/schemas/custody-sbom.schema.json).
 */
import { InputError } from '../../core/errors.js';
import type { DeclaredCompleteness, Incomplete, IncompleteKind } from '../../core/incomplete.js';
import type { DecodeContext } from '../decode.js';
import type { Package, Sbom } from '../model.js';
import { NATIVE_SBOM_VERSION } from './encode.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON document is a custody native SBOM. */
export function isNativeSbom(doc: unknown): boolean {
  return isObject(doc) && typeof doc.custodySbomVersion === 'number' && Array.isArray(doc.packages);
}

const KINDS = new Set(['image', 'directory', 'file', 'unknown']);
const COMPLETENESS = new Set<DeclaredCompleteness>(['complete', 'incomplete', 'unknown', 'not-declared']);
const INCOMPLETE_KINDS = new Set<IncompleteKind>(['file', 'directory', 'layer', 'sbom', 'report', 'manifest', 'workload', 'image', 'vulndb']);

const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const strList = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every(isStr));

/**
 * Decode a parsed native document. Validates the shape of what it keeps; with `ctx.keep` (a query's
 * package filter) only the packages it accepts are kept.
 * @throws InputError `SBOM_NATIVE_INVALID` for a wrong shape or a newer format version.
 */
export function decodeNativeSbom(doc: unknown, ctxOrName: DecodeContext | string = 'the input'): Sbom {
  const name = typeof ctxOrName === 'string' ? ctxOrName : ctxOrName.source;
  const keep = typeof ctxOrName === 'string' ? undefined : ctxOrName.keep;
  const bad = (what: string): InputError =>
    new InputError('SBOM_NATIVE_INVALID', `${name} is not a valid custody json SBOM: ${what}`, {
      hint: 'write it with `custody sbom generate -o json`, or check it with `custody sbom validate`',
    });
  if (!isObject(doc) || typeof doc.custodySbomVersion !== 'number') throw bad('no custodySbomVersion');
  if (!Number.isInteger(doc.custodySbomVersion) || doc.custodySbomVersion < 1) throw bad(`format version ${String(doc.custodySbomVersion)} is not a positive integer`);
  if (doc.custodySbomVersion > NATIVE_SBOM_VERSION) throw bad(`format version ${doc.custodySbomVersion} is newer than ${NATIVE_SBOM_VERSION}`);
  const subject = doc.subject;
  if (!isObject(subject) || !isStr(subject.name)) throw bad('subject.name missing');
  if (!KINDS.has(subject.kind as string)) throw bad(`subject.kind ${JSON.stringify(subject.kind)} is not image, directory, file or unknown`);
  for (const k of ['transport', 'manifestDigest', 'configDigest', 'refName'] as const) if (!optStr(subject[k])) throw bad(`subject.${k} is not a string`);
  if (!strList(subject.repoTags) || !strList(subject.repoDigests)) throw bad('subject.repoTags/repoDigests are not lists of strings');
  if (!Array.isArray(doc.packages)) throw bad('packages is not a list');
  const packages: Package[] = [];
  for (const [i, p] of doc.packages.entries()) {
    if (!isObject(p) || !isStr(p.id) || !isStr(p.name) || !isStr(p.version) || !isStr(p.type)) throw bad(`packages[${i}] lacks id/name/version/type`);
    if (!Array.isArray(p.licenses) || !Array.isArray(p.locations) || !Array.isArray(p.foundBy)) throw bad(`packages[${i}] lacks licenses/locations/foundBy lists`);
    if (!optStr(p.purl) || !optStr(p.group)) throw bad(`packages[${i}].purl/group is not a string`);
    if (!strList(p.cpes)) throw bad(`packages[${i}].cpes is not a list of strings`);
    if (p.deleted !== undefined && typeof p.deleted !== 'boolean') throw bad(`packages[${i}].deleted is not a boolean`);
    for (const [j, l] of p.locations.entries()) {
      if (!isObject(l) || !isStr(l.path) || !optStr(l.layer)) throw bad(`packages[${i}].locations[${j}] is not {path, layer?}`);
    }
    if (keep && !keep(p.name, p.purl as string | undefined, p.group as string | undefined)) continue;
    packages.push(p as unknown as Package);
  }
  if (!Array.isArray(doc.relationships)) throw bad('relationships is not a list');
  if (!Array.isArray(doc.tools)) throw bad('tools is not a list');
  if (doc.completeness !== undefined && !COMPLETENESS.has(doc.completeness as DeclaredCompleteness)) throw bad(`completeness ${JSON.stringify(doc.completeness)} is not complete, incomplete, unknown or not-declared`);
  if (doc.incomplete !== undefined) {
    if (!Array.isArray(doc.incomplete)) throw bad('incomplete is not a list');
    for (const [i, x] of doc.incomplete.entries()) {
      if (!isObject(x) || !INCOMPLETE_KINDS.has(x.kind as IncompleteKind) || !isStr(x.path) || !isStr(x.reason) || !optStr(x.layer) || !optStr(x.by)) {
        throw bad(`incomplete[${i}] is not {kind, path, reason, layer?, by?}`);
      }
    }
  }
  const { custodySbomVersion: _v, created, packages: _p, ...rest } = doc;
  const sbom = { ...rest, packages } as unknown as Sbom;
  if (doc.incomplete !== undefined) sbom.incomplete = doc.incomplete as Incomplete[];
  if (doc.completeness !== undefined) sbom.completeness = doc.completeness as DeclaredCompleteness;
  sbom.document = { ...(isObject(sbom.document) ? sbom.document : {}), format: 'custody-json', specVersion: String(doc.custodySbomVersion), ...(typeof created === 'string' ? { created } : {}) };
  return sbom;
}
