/**
 * Reads custody's own `json` format back into the model (the inverse of encodeNativeSbom).
 */
import { InputError } from '../../core/errors.js';
import type { Sbom } from '../model.js';
import { NATIVE_SBOM_VERSION } from './encode.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when a parsed JSON document is a custody native SBOM. */
export function isNativeSbom(doc: unknown): boolean {
  return isObject(doc) && typeof doc.custodySbomVersion === 'number' && Array.isArray(doc.packages);
}

/**
 * Decode a parsed native document. Validates the shape of what it keeps.
 * @throws InputError `SBOM_NATIVE_INVALID` for a wrong shape or a newer format version.
 */
export function decodeNativeSbom(doc: unknown, name = 'the input'): Sbom {
  const bad = (what: string): InputError =>
    new InputError('SBOM_NATIVE_INVALID', `${name} is not a valid custody json SBOM: ${what}`, {
      hint: 'write it with `custody sbom generate -o json`, or pass a CycloneDX/SPDX file',
    });
  if (!isObject(doc) || typeof doc.custodySbomVersion !== 'number') throw bad('no custodySbomVersion');
  if (doc.custodySbomVersion > NATIVE_SBOM_VERSION) throw bad(`format version ${doc.custodySbomVersion} is newer than ${NATIVE_SBOM_VERSION}`);
  if (!isObject(doc.subject) || typeof doc.subject.name !== 'string') throw bad('subject.name missing');
  if (!Array.isArray(doc.packages)) throw bad('packages is not a list');
  for (const [i, p] of doc.packages.entries()) {
    if (!isObject(p) || typeof p.id !== 'string' || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.type !== 'string') {
      throw bad(`packages[${i}] lacks id/name/version/type`);
    }
    if (!Array.isArray(p.licenses) || !Array.isArray(p.locations) || !Array.isArray(p.foundBy)) throw bad(`packages[${i}] lacks licenses/locations/foundBy lists`);
  }
  if (!Array.isArray(doc.relationships)) throw bad('relationships is not a list');
  if (!Array.isArray(doc.tools)) throw bad('tools is not a list');
  const { custodySbomVersion: _v, created, ...rest } = doc;
  const sbom = rest as unknown as Sbom;
  sbom.document = { ...(sbom.document ?? {}), format: 'json', specVersion: String(doc.custodySbomVersion), ...(typeof created === 'string' ? { created } : {}) };
  return sbom;
}
