/**
 * Reads attestation files in every form custody accepts and returns the DSSE envelopes inside:
 * a Sigstore bundle (v0.1–v0.3) carrying a DSSE envelope, a bare DSSE envelope, `.intoto.jsonl`
 * (one bundle or envelope per line), npm's attestations document (`{attestations:[{predicateType,bundle}]}`)
 * and Google Cloud Build's provenance summary. The form is sniffed from the content, never the name.
 * Pure: bytes in, attestations out; malformed input is an InputError (exit 3).
 */
import { InputError } from '../core/errors.js';
import type { Attestation, DsseEnvelope, DsseSignature } from './model.js';

/** Largest attestation file read (real ones are < 1 MiB; npm documents with many bundles stay far below). */
export const MAX_ATTESTATION_BYTES = 32 * 1024 * 1024;
/** Most attestations taken from one file. */
export const MAX_ATTESTATIONS = 256;
/** Deepest JSON nesting accepted. */
export const MAX_JSON_DEPTH = 64;

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function malformed(name: string, what: string, hint = 'pass a Sigstore bundle, a DSSE envelope or an .intoto.jsonl file'): InputError {
  return new InputError('PROVENANCE_MALFORMED_ATTESTATION', `${name}: ${what}`, { hint });
}

/** Nesting depth of parsed JSON, iteratively (hostile input cannot blow the stack). */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** JSON.parse with a depth cap, as an InputError naming the input. */
export function parseJsonCapped(text: string, name: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError('PROVENANCE_MALFORMED_ATTESTATION', `${name}: not valid JSON (${(err as Error).message})`, {
      hint: 'pass a Sigstore bundle, a DSSE envelope or an .intoto.jsonl file',
      cause: err,
    });
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw malformed(name, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates and copies a DSSE envelope object; throws naming `where`. */
export function toEnvelope(v: unknown, where: string): DsseEnvelope {
  if (!isObject(v)) throw malformed(where, 'DSSE envelope is not an object');
  const { payloadType, payload, signatures } = v;
  if (typeof payloadType !== 'string' || payloadType === '') throw malformed(where, 'DSSE envelope has no payloadType');
  if (typeof payload !== 'string' || !BASE64.test(payload)) throw malformed(where, 'DSSE envelope payload is not base64');
  if (!Array.isArray(signatures)) throw malformed(where, 'DSSE envelope has no signatures array');
  const sigs: DsseSignature[] = signatures.map((s, i) => {
    if (!isObject(s)) throw malformed(where, `DSSE signature ${i + 1} is not an object`);
    const sig: DsseSignature = { sig: typeof s.sig === 'string' ? s.sig : '' };
    if (typeof s.keyid === 'string') sig.keyid = s.keyid;
    if (typeof s.cert === 'string' && s.cert !== '') sig.cert = s.cert;
    return sig;
  });
  return { payloadType, payload, signatures: sigs };
}

function isBundle(v: Record<string, unknown>): boolean {
  return typeof v.mediaType === 'string' && v.mediaType.includes('sigstore.bundle');
}

function isEnvelope(v: Record<string, unknown>): boolean {
  return 'payloadType' in v && 'payload' in v;
}

/** The attestations in one parsed JSON value (a bundle, an envelope, npm's document or a GCB summary). */
function fromValue(v: unknown, where: string): Attestation[] {
  if (!isObject(v)) throw malformed(where, 'expected a JSON object');
  if (isBundle(v)) {
    if (!('dsseEnvelope' in v)) {
      throw malformed(where, 'Sigstore bundle carries a message signature, not a DSSE attestation', 'use `custody verify` for signed blobs; provenance needs an in-toto attestation');
    }
    return [{ form: 'sigstore-bundle', origin: where, envelope: toEnvelope(v.dsseEnvelope, where), bundle: v }];
  }
  if (isEnvelope(v)) return [{ form: 'dsse-envelope', origin: where, envelope: toEnvelope(v, where) }];
  if (Array.isArray(v.attestations)) {
    const out: Attestation[] = [];
    v.attestations.forEach((a, i) => {
      const at = `${where} attestation ${i + 1}`;
      if (!isObject(a) || !isObject(a.bundle) || !isBundle(a.bundle) || !('dsseEnvelope' in a.bundle)) {
        throw malformed(at, 'npm attestation has no Sigstore bundle with a DSSE envelope');
      }
      out.push({ form: 'npm-attestations', origin: at, envelope: toEnvelope(a.bundle.dsseEnvelope, at), bundle: a.bundle });
    });
    return out;
  }
  const summary = v.provenance_summary;
  if (isObject(summary) && Array.isArray(summary.provenance)) {
    const imageDigest = isObject(v.image_summary) ? v.image_summary.digest : undefined;
    return summary.provenance.map((p, i) => {
      const at = `${where} provenance ${i + 1}`;
      if (!isObject(p)) throw malformed(at, 'provenance entry is not an object');
      const textStatement = isObject(p.build) ? p.build.intotoStatement : undefined;
      return { form: 'gcb-provenance' as const, origin: at, envelope: toEnvelope(p.envelope, at), gcb: { kind: p.kind, resourceUri: p.resourceUri, imageDigest, textStatement } };
    });
  }
  // Unsigned: an in-toto statement or a bare SLSA predicate. Read so the auditor sees it, never trusted.
  if (typeof v._type === 'string' && v._type.startsWith('https://in-toto.io/Statement/')) return [unsignedAttestation(v, where, 'statement')];
  if ((isObject(v.buildDefinition) && isObject(v.runDetails)) || (isObject(v.builder) && (typeof v.buildType === 'string' || isObject(v.recipe)))) {
    return [unsignedAttestation(v, where, 'predicate')];
  }
  throw malformed(where, 'not a Sigstore bundle, DSSE envelope, npm attestations document, .intoto.jsonl, in-toto statement or SLSA predicate');
}

function unsignedAttestation(v: Record<string, unknown>, where: string, kind: 'statement' | 'predicate'): Attestation {
  const envelope: DsseEnvelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(v)).toString('base64'), signatures: [] };
  return { form: kind === 'statement' ? 'unsigned-statement' : 'unsigned-predicate', origin: where, envelope, unsigned: kind };
}

/**
 * Every attestation in an attestation file. `name` is used in messages.
 * JSON documents are tried first; if the text is not one JSON value, it is read as JSON Lines.
 */
export function parseAttestations(bytes: Buffer, name: string): Attestation[] {
  if (bytes.length > MAX_ATTESTATION_BYTES) {
    throw malformed(name, `larger than ${MAX_ATTESTATION_BYTES / 1024 / 1024} MiB`, 'an attestation file this large is not provenance; check the path');
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw malformed(name, 'empty file');
  let whole: unknown;
  let wholeOk = false;
  try {
    whole = JSON.parse(text);
    wholeOk = true;
  } catch {
    // not one JSON value: JSON Lines
  }
  let out: Attestation[];
  if (wholeOk) {
    if (jsonDepth(whole) > MAX_JSON_DEPTH) throw malformed(name, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    out = fromValue(whole, name);
  } else {
    out = [];
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${name} line ${i + 1}`;
      out.push(...fromValue(parseJsonCapped(line, where), where));
      if (out.length > MAX_ATTESTATIONS) throw malformed(name, `more than ${MAX_ATTESTATIONS} attestations`);
    });
  }
  if (out.length === 0) throw malformed(name, 'no attestation found');
  if (out.length > MAX_ATTESTATIONS) throw malformed(name, `more than ${MAX_ATTESTATIONS} attestations`);
  return out;
}

/** The envelope payload as bytes (standard or URL-safe base64). */
export function envelopePayload(env: DsseEnvelope): Buffer {
  return Buffer.from(env.payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
