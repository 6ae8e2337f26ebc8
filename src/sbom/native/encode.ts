/**
 * custody's own format (`-o json`): the Sbom model as is, lossless, with a format version so readers
 * can tell it apart (`custodySbomVersion`) and a creation time from the injected clock. Keys are
 * written sorted, so the same model always gives the same bytes. Schema: README "The json model".
 */
import type { Clock } from '../../core/clock.js';
import { completenessToWrite } from '../completeness.js';
import type { Sbom } from '../model.js';

/** Bumped when a field changes meaning or is removed; additions keep the version. */
export const NATIVE_SBOM_VERSION = 1;

export interface NativeSbomDocument extends Sbom {
  custodySbomVersion: number;
  /** RFC 3339 creation time. */
  created: string;
}

/** JSON with object keys sorted at every level (arrays keep their order). */
export function stableStringify(value: unknown, space = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k];
    return out;
  }, space);
}

export function encodeNativeSbom(sbom: Sbom, options: { clock: Clock }): string {
  // The declaration always matches the list (README "Completeness"): a model with unread inputs says incomplete.
  const declare = sbom.completeness !== undefined || (sbom.incomplete ?? []).length > 0;
  const doc: NativeSbomDocument = { custodySbomVersion: NATIVE_SBOM_VERSION, created: options.clock.now().toISOString(), ...sbom, ...(declare ? { completeness: completenessToWrite(sbom) } : {}) };
  return `${stableStringify(doc)}\n`;
}
