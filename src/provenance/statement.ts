/**
 * In-toto statements (v0.1 and v1) and the SLSA provenance facts inside them (v0.1, v0.2, v1,
 * including GitHub artifact attestations and npm's build types). Pure functions over bytes/JSON.
 */
import { InputError } from '../core/errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from './attestation.js';
import type { ProvenanceFacts, SlsaVersion, Statement, Subject } from './model.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];

export const SLSA_PREDICATE_TYPES: Readonly<Record<string, SlsaVersion>> = {
  'https://slsa.dev/provenance/v0.1': 'v0.1',
  'https://slsa.dev/provenance/v0.2': 'v0.2',
  'https://slsa.dev/provenance/v1': 'v1',
};

const HEX = /^[0-9a-f]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(where: string, what: string): InputError {
  return new InputError('PROVENANCE_MALFORMED_STATEMENT', `${where}: ${what}`, {
    hint: 'the attestation payload must be an in-toto statement (https://in-toto.io/Statement/v0.1 or v1)',
  });
}

/** Parses and validates an in-toto statement from a DSSE payload. */
export function parseStatement(payload: Buffer, payloadType: string, where: string): Statement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) throw bad(where, `payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new InputError('PROVENANCE_MALFORMED_STATEMENT', `${where}: payload is not JSON`, { cause: err, hint: 'the DSSE payload must be a JSON in-toto statement' });
  }
  if (jsonDepth(v) > MAX_JSON_DEPTH) throw bad(where, `statement nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (!isObject(v)) throw bad(where, 'statement is not a JSON object');
  const type = v._type;
  if (typeof type !== 'string' || !STATEMENT_TYPES.includes(type)) throw bad(where, `unknown statement _type ${JSON.stringify(type)}`);
  // An empty or missing predicateType is not malformed JSON: it fails the predicate-type claim.
  const predicateType = typeof v.predicateType === 'string' ? v.predicateType : '';
  if (!Array.isArray(v.subject) || v.subject.length === 0) throw bad(where, 'statement has no subject');
  const subjects: Subject[] = v.subject.map((s, i) => {
    if (!isObject(s) || !isObject(s.digest)) throw bad(where, `subject ${i + 1} has no digest`);
    const digest: Record<string, string> = {};
    for (const [alg, hex] of Object.entries(s.digest)) {
      if (typeof hex !== 'string') throw bad(where, `subject ${i + 1} digest ${alg} is not a string`);
      digest[alg.toLowerCase()] = hex.toLowerCase();
    }
    if (Object.keys(digest).length === 0) throw bad(where, `subject ${i + 1} has an empty digest`);
    const out: Subject = { digest };
    if (typeof s.name === 'string') out.name = s.name;
    return out;
  });
  const predicate = v.predicate === undefined ? {} : v.predicate;
  if (!isObject(predicate)) throw bad(where, 'predicate is not an object');
  return { type, predicateType, subjects, predicate };
}

/**
 * A bare SLSA predicate (no statement around it, so no subject): its predicate type is inferred from its
 * shape (v1: buildDefinition + runDetails; v0.2: builder + buildType; v0.1: builder + recipe).
 */
export function parseBarePredicate(payload: Buffer, where: string): Statement {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new InputError('PROVENANCE_MALFORMED_STATEMENT', `${where}: predicate is not JSON`, { cause: err, hint: 'pass a SLSA provenance predicate or an in-toto statement' });
  }
  if (jsonDepth(v) > MAX_JSON_DEPTH) throw bad(where, `predicate nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (!isObject(v)) throw bad(where, 'predicate is not a JSON object');
  const predicateType = isObject(v.buildDefinition)
    ? 'https://slsa.dev/provenance/v1'
    : typeof v.buildType === 'string'
      ? 'https://slsa.dev/provenance/v0.2'
      : 'https://slsa.dev/provenance/v0.1';
  return { type: '', predicateType, subjects: [], predicate: v };
}

/** True for well-formed hex digests of the algorithms we compare. */
export function isDigest(alg: string, hex: string): boolean {
  const len = { sha256: 64, sha512: 128, sha384: 96, sha1: 40 }[alg];
  return len !== undefined && hex.length === len && HEX.test(hex);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function get(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/**
 * Normalises a source repository reference for comparison: drops `git+`, the scheme, `www.`,
 * a trailing `.git` or `/`, an `@ref` suffix, a `#fragment` and GitHub's `/commit/<sha>` / `/tree/<ref>` paths.
 * `git+https://github.com/org/repo@refs/tags/v1` -> `github.com/org/repo`. Other schemes (gs://) are kept.
 * Case is preserved: repository names are compared exactly, as slsa-verifier does.
 */
export function normaliseSourceUri(uri: string): string {
  let u = uri.trim().replace(/#.*$/, '');
  if (u.startsWith('git+')) u = u.slice(4);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(u);
  if (scheme && /^(https?|git|ssh)$/i.test(scheme[1]!)) u = u.slice(scheme[0].length);
  else if (scheme) return u.replace(/@refs\/.*$/, '');
  u = u.replace(/^www\./, '');
  const at = u.indexOf('@');
  if (at >= 0) u = u.slice(0, at);
  u = u.replace(/\/(commit|tree)\/.*$/, '');
  u = u.replace(/\/+$/, '').replace(/\.git$/, '');
  return u;
}

/** Splits `uri@ref` (ref kept whole, e.g. `refs/tags/v1`). */
function splitRef(uri: string): { base: string; ref?: string } {
  const m = /^(.*?)@(refs\/.+)$/.exec(uri);
  return m ? { base: m[1]!, ref: m[2]! } : { base: uri };
}

function commitOf(digest: unknown): string | undefined {
  if (!isObject(digest)) return undefined;
  return str(digest.gitCommit) ?? str(digest.sha1) ?? str(digest.sha256);
}

/** Workflow path from `org/repo/.github/workflows/x.yml@refs/...`. */
function workflowPathFromRef(workflowRef: string): { path: string; ref?: string } | undefined {
  const { base, ref } = splitRef(workflowRef);
  const i = base.indexOf('/.github/workflows/');
  if (i < 0) return undefined;
  return ref !== undefined ? { path: base.slice(i + 1), ref } : { path: base.slice(i + 1) };
}

function sourceFrom(uri: string | undefined, commit: string | undefined, refHint: string | undefined): ProvenanceFacts['source'] {
  if (uri === undefined) return undefined;
  const { ref } = splitRef(uri);
  const source: NonNullable<ProvenanceFacts['source']> = { uri, repository: normaliseSourceUri(uri) };
  const r = ref ?? refHint;
  if (r !== undefined) source.ref = r;
  if (commit !== undefined) source.commit = commit;
  return source;
}

/** The SLSA facts of a statement; fields the predicate does not record are left out. */
export function extractFacts(st: Statement): ProvenanceFacts {
  const p = st.predicate;
  const version = SLSA_PREDICATE_TYPES[st.predicateType];
  const facts: ProvenanceFacts = {};
  if (version !== undefined) facts.slsaVersion = version;
  if (version === 'v1' || isObject(p.buildDefinition)) {
    const bd = get(p, 'buildDefinition');
    const ext = get(bd, 'externalParameters');
    const internal = get(bd, 'internalParameters');
    const deps = get(bd, 'resolvedDependencies');
    const dep0 = Array.isArray(deps) ? deps[0] : undefined;
    const builderId = str(get(p, 'runDetails', 'builder', 'id'));
    if (builderId) facts.builderId = builderId;
    const buildType = str(get(bd, 'buildType'));
    if (buildType) facts.buildType = buildType;
    const wfRef = str(get(internal, 'GITHUB_REF')) ?? str(get(ext, 'workflow', 'ref'));
    // Source: GitHub workflow build types name the repository; others use the first resolved dependency.
    const wfRepo = str(get(ext, 'workflow', 'repository'));
    const depUri = str(get(dep0, 'uri')) ?? str(get(ext, 'source', 'uri'));
    const commit = commitOf(get(dep0, 'digest')) ?? commitOf(get(ext, 'source', 'digest')) ?? str(get(internal, 'GITHUB_SHA'));
    facts.source = sourceFrom(depUri ?? wfRepo, commit, wfRef);
    if (facts.source && wfRepo && depUri === undefined) facts.source.repository = normaliseSourceUri(wfRepo);
    const wfPath = str(get(ext, 'workflow', 'path'));
    if (wfPath) facts.workflow = wfRef ? { path: wfPath, ref: wfRef } : { path: wfPath };
    else {
      const gwr = str(get(internal, 'GITHUB_WORKFLOW_REF'));
      const parsed = gwr ? workflowPathFromRef(gwr) : undefined;
      if (parsed) facts.workflow = parsed;
      else {
        const gw = str(get(internal, 'GITHUB_WORKFLOW'));
        if (gw && gw.startsWith('.github/')) facts.workflow = wfRef ? { path: gw, ref: wfRef } : { path: gw };
      }
    }
    const trigger = str(get(internal, 'github', 'event_name')) ?? str(get(internal, 'GITHUB_EVENT_NAME'));
    if (trigger) facts.trigger = trigger;
    const inv = str(get(p, 'runDetails', 'metadata', 'invocationId'));
    if (inv) facts.invocationId = inv;
  } else {
    // v0.1 (recipe) and v0.2 (invocation.configSource)
    const builderId = str(get(p, 'builder', 'id'));
    if (builderId) facts.builderId = builderId;
    const buildType = str(get(p, 'buildType')) ?? str(get(p, 'recipe', 'type'));
    if (buildType) facts.buildType = buildType;
    const env = get(p, 'invocation', 'environment');
    const envRef = str(get(env, 'github_ref')) ?? str(get(env, 'GITHUB_REF'));
    const cs = get(p, 'invocation', 'configSource');
    const mats = get(p, 'materials');
    const mat0 = Array.isArray(mats) ? mats[0] : undefined;
    const csUri = str(get(cs, 'uri'));
    const uri = csUri ?? str(get(mat0, 'uri'));
    let commit = csUri ? commitOf(get(cs, 'digest')) : commitOf(get(mat0, 'digest'));
    if (commit === undefined && uri) commit = /\/commit\/([0-9a-f]{40})/.exec(uri)?.[1];
    commit ??= str(get(env, 'github_sha1')) ?? str(get(env, 'GITHUB_SHA'));
    // Cloud Build (v0.1) records the trigger's tag or branch in the recipe's substitutions.
    const subs = get(p, 'recipe', 'arguments', 'substitutions');
    const tagName = str(get(subs, 'TAG_NAME'));
    const branchName = str(get(subs, 'BRANCH_NAME'));
    const gcbRef = tagName ? `refs/tags/${tagName}` : branchName ? `refs/heads/${branchName}` : undefined;
    facts.source = sourceFrom(uri, commit, envRef ?? gcbRef);
    const entry = str(get(cs, 'entryPoint')) ?? str(get(p, 'recipe', 'entryPoint'));
    if (entry) facts.workflow = facts.source?.ref ? { path: entry, ref: facts.source.ref } : { path: entry };
    const trigger = str(get(env, 'github_event_name')) ?? str(get(env, 'GITHUB_EVENT_NAME'));
    if (trigger) facts.trigger = trigger;
    const inv = str(get(p, 'metadata', 'buildInvocationId')) ?? str(get(p, 'metadata', 'buildInvocationID'));
    if (inv) facts.invocationId = inv;
  }
  if (facts.source === undefined) delete facts.source;
  return facts;
}
