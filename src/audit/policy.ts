/**
 * The audit policy file (README "Audit policy"): YAML, validated strictly — an unknown key is an
 * error naming its path, so a typo never silently weakens a policy.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError, errorMessage } from '../core/errors.js';
import { compileQuery } from '../query/match.js';
import { parseDuration } from '../vuln/age.js';

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface IdentityRule {
  issuer?: string;
  issuerRegexp?: string;
  identity?: string;
  identityRegexp?: string;
}

export interface SignatureRule {
  /** Any one identity (or key) suffices. */
  identities: IdentityRule[];
  /** Paths of PEM public keys (relative to the policy file). */
  keys: string[];
}

export interface ProvenanceRule {
  /** Registry globs the rule applies to (e.g. 'ghcr.io/myorg/*'); empty = every image. */
  images: string[];
  builderId?: string;
  sourceUri?: string[];
  workflow?: string[];
  buildType?: string;
  predicateType?: string;
  sourceBranch?: string;
  sourceTag?: string;
  /** Identities the attestation must be signed by (as in `signature`). */
  identities: IdentityRule[];
  keys: string[];
  allowMissingTlog: boolean;
}

export interface ForbiddenPackage {
  purl?: string;
  name?: string;
  /** A version range as in `sbom query --version` ('<2.17.1', 'vers:maven/...'). */
  version?: string;
  reason?: string;
}

export interface AuditPolicy {
  images: {
    requireDigest: boolean;
    forbidLatest: boolean;
    allowedRegistries: string[];
    excludedNamespaces: string[];
  };
  signature?: SignatureRule;
  provenance: ProvenanceRule[];
  vulnerabilities?: {
    failOn: Severity;
    onlyFixed: boolean;
    ignore?: string;
    vex: string[];
    osvDb?: string;
    engine?: string;
    /** The local vulnerability database (`custody vulndb`) the osv engine reads when there is no osvDb (default: the user's cache). */
    vulndbDir?: string;
    /** Data older than this fails the check (`--max-vulndb-age`), in seconds. */
    maxVulnDbAgeSeconds?: number;
  };
  sbom?: {
    /** 'attestation': an SBOM attestation must be attached; 'generate': generate one when absent. */
    require: 'attestation' | 'generate' | 'none';
    /** Accept a key-signed SBOM attestation without a transparency-log proof (as `provenance[].allowMissingTlog`). */
    allowMissingTlog: boolean;
    forbid: ForbiddenPackage[];
  };
  /**
   * Accept a passing audit over input that could not be read or checked (README "Completeness"), as the
   * global `--allow-incomplete` does; default false: such an audit exits 3. The report still lists it.
   */
  allowIncomplete: boolean;
}

type Json = unknown;

class PolicyReader {
  constructor(private readonly file: string) {}

  fail(path: string, message: string): never {
    throw new InputError('AUDIT_POLICY_INVALID', `policy ${this.file}${path ? `: ${path}:` : ''} ${message}`, {
      hint: 'see README "Audit policy" for the keys a policy may have',
    });
  }

  object(value: Json, path: string, keys: readonly string[]): Record<string, Json> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'must be a mapping');
    const obj = value as Record<string, Json>;
    for (const k of Object.keys(obj)) {
      if (!keys.includes(k)) this.fail(path, `unknown key '${k}' (allowed: ${keys.join(', ')})`);
    }
    return obj;
  }

  bool(value: Json, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  string(value: Json, path: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') this.fail(path, 'must be a non-empty string');
    return value;
  }

  strings(value: Json, path: string): string[] {
    if (value === undefined) return [];
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) this.fail(path, 'must be a string or a list of strings');
    return list.map((v, i) => this.string(v, `${path}[${i}]`) ?? this.fail(`${path}[${i}]`, 'must be a string'));
  }

  regexp(value: Json, path: string): string | undefined {
    const s = this.string(value, path);
    if (s !== undefined) {
      try {
        new RegExp(s);
      } catch (e) {
        this.fail(path, `is not a valid regular expression (${(e as Error).message})`);
      }
    }
    return s;
  }

  identities(value: Json, path: string): IdentityRule[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(path, 'must be a list');
    return value.map((v, i) => {
      const p = `${path}[${i}]`;
      const o = this.object(v, p, ['issuer', 'issuerRegexp', 'identity', 'identityRegexp', 'subject', 'subjectRegexp']);
      const rule: IdentityRule = {};
      const issuer = this.string(o.issuer, `${p}.issuer`);
      const issuerRegexp = this.regexp(o.issuerRegexp, `${p}.issuerRegexp`);
      // `subject` is Kyverno's word for the certificate identity: accepted as an alias.
      const identity = this.string(o.identity ?? o.subject, `${p}.identity`);
      const identityRegexp = this.regexp(o.identityRegexp ?? o.subjectRegexp, `${p}.identityRegexp`);
      if (issuer) rule.issuer = issuer;
      if (issuerRegexp) rule.issuerRegexp = issuerRegexp;
      if (identity) rule.identity = identity;
      if (identityRegexp) rule.identityRegexp = identityRegexp;
      if (!rule.issuer && !rule.issuerRegexp) this.fail(p, 'needs issuer or issuerRegexp');
      if (!rule.identity && !rule.identityRegexp) this.fail(p, 'needs identity or identityRegexp');
      return rule;
    });
  }
}

const SEVERITIES: readonly Severity[] = ['none', 'low', 'medium', 'high', 'critical'];
const ENGINES: readonly string[] = ['osv', 'grype', 'trivy'];

/** Parse and validate a policy document. Throws InputError (exit 3) naming the file and key path. */
export function parsePolicy(text: string, file: string): AuditPolicy {
  const r = new PolicyReader(file);
  let doc: Json;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }) as Json;
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    throw new InputError('AUDIT_POLICY_INVALID', `policy ${file} is not valid YAML${where}: ${(e as Error).message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax; see README "Audit policy"',
      cause: e,
    });
  }
  if (doc === null || doc === undefined) r.fail('', text.trim() === '' ? 'is empty' : 'is YAML null, not a mapping of policy keys (images, signature, provenance, vulnerabilities, sbom)');
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    r.fail('', `is ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}, not a mapping of policy keys (images, signature, provenance, vulnerabilities, sbom)`);
  }
  const top = r.object(doc, '', ['apiVersion', 'kind', 'images', 'signature', 'provenance', 'vulnerabilities', 'sbom', 'allowIncomplete']);

  const imagesObj = top.images === undefined ? {} : r.object(top.images, 'images', ['requireDigest', 'forbidLatest', 'allowedRegistries', 'excludedNamespaces']);
  const policy: AuditPolicy = {
    images: {
      requireDigest: r.bool(imagesObj.requireDigest, 'images.requireDigest', false),
      forbidLatest: r.bool(imagesObj.forbidLatest, 'images.forbidLatest', false),
      allowedRegistries: r.strings(imagesObj.allowedRegistries, 'images.allowedRegistries'),
      excludedNamespaces: imagesObj.excludedNamespaces === undefined ? ['kube-system'] : r.strings(imagesObj.excludedNamespaces, 'images.excludedNamespaces'),
    },
    provenance: [],
    allowIncomplete: r.bool(top.allowIncomplete, 'allowIncomplete', false),
  };

  if (top.signature !== undefined) {
    const s = r.object(top.signature, 'signature', ['identities', 'keys']);
    const rule: SignatureRule = { identities: r.identities(s.identities, 'signature.identities'), keys: r.strings(s.keys, 'signature.keys') };
    if (rule.identities.length === 0 && rule.keys.length === 0) r.fail('signature', 'needs at least one entry in identities or keys');
    policy.signature = rule;
  }

  if (top.provenance !== undefined) {
    const list = Array.isArray(top.provenance) ? top.provenance : [top.provenance];
    policy.provenance = list.map((v, i) => {
      const p = `provenance[${i}]`;
      const o = r.object(v, p, ['images', 'builderId', 'sourceUri', 'workflow', 'buildType', 'predicateType', 'sourceBranch', 'sourceTag', 'identities', 'keys', 'allowMissingTlog']);
      const rule: ProvenanceRule = {
        images: r.strings(o.images, `${p}.images`),
        identities: r.identities(o.identities, `${p}.identities`),
        keys: r.strings(o.keys, `${p}.keys`),
        allowMissingTlog: r.bool(o.allowMissingTlog, `${p}.allowMissingTlog`, false),
        sourceUri: r.strings(o.sourceUri, `${p}.sourceUri`),
        workflow: r.strings(o.workflow, `${p}.workflow`),
      };
      const builderId = r.string(o.builderId, `${p}.builderId`);
      const buildType = r.string(o.buildType, `${p}.buildType`);
      const predicateType = r.string(o.predicateType, `${p}.predicateType`);
      const sourceBranch = r.string(o.sourceBranch, `${p}.sourceBranch`);
      const sourceTag = r.string(o.sourceTag, `${p}.sourceTag`);
      if (builderId) rule.builderId = builderId;
      if (buildType) rule.buildType = buildType;
      if (predicateType) rule.predicateType = predicateType;
      if (sourceBranch) rule.sourceBranch = sourceBranch;
      if (sourceTag) rule.sourceTag = sourceTag;
      if (rule.identities.length === 0 && rule.keys.length === 0) r.fail(p, 'needs identities or keys: an attestation is only trusted once its signer is');
      return rule;
    });
  }

  if (top.vulnerabilities !== undefined) {
    const v = r.object(top.vulnerabilities, 'vulnerabilities', ['failOn', 'onlyFixed', 'ignore', 'vex', 'osvDb', 'engine', 'vulndbDir', 'maxVulnDbAge']);
    const failOn = r.string(v.failOn, 'vulnerabilities.failOn') ?? 'high';
    if (!SEVERITIES.includes(failOn as Severity)) r.fail('vulnerabilities.failOn', `must be one of ${SEVERITIES.join(', ')}`);
    policy.vulnerabilities = {
      failOn: failOn as Severity,
      onlyFixed: r.bool(v.onlyFixed, 'vulnerabilities.onlyFixed', false),
      vex: r.strings(v.vex, 'vulnerabilities.vex'),
    };
    const ignore = r.string(v.ignore, 'vulnerabilities.ignore');
    const osvDb = r.string(v.osvDb, 'vulnerabilities.osvDb');
    const engine = r.string(v.engine, 'vulnerabilities.engine');
    if (engine !== undefined && !ENGINES.includes(engine)) r.fail('vulnerabilities.engine', `must be one of ${ENGINES.join(', ')}, not '${engine}'`);
    if (ignore) policy.vulnerabilities.ignore = ignore;
    if (osvDb) policy.vulnerabilities.osvDb = osvDb;
    if (engine) policy.vulnerabilities.engine = engine;
    const vulndbDir = r.string(v.vulndbDir, 'vulnerabilities.vulndbDir');
    if (vulndbDir) policy.vulnerabilities.vulndbDir = vulndbDir;
    const maxAge = r.string(v.maxVulnDbAge, 'vulnerabilities.maxVulnDbAge');
    if (maxAge !== undefined) {
      try {
        policy.vulnerabilities.maxVulnDbAgeSeconds = parseDuration(maxAge, 'vulnerabilities.maxVulnDbAge');
      } catch {
        r.fail('vulnerabilities.maxVulnDbAge', `${JSON.stringify(maxAge)} is not a duration (24h, 7d, 1d12h)`);
      }
    }
  }

  if (top.sbom !== undefined) {
    const s = r.object(top.sbom, 'sbom', ['require', 'allowMissingTlog', 'forbid']);
    const req = r.string(s.require, 'sbom.require') ?? 'generate';
    if (!['attestation', 'generate', 'none'].includes(req)) r.fail('sbom.require', 'must be attestation, generate or none');
    const forbidRaw: unknown[] = s.forbid === undefined ? [] : Array.isArray(s.forbid) ? s.forbid : r.fail('sbom.forbid', 'must be a list');
    policy.sbom = {
      require: req as 'attestation' | 'generate' | 'none',
      allowMissingTlog: r.bool(s.allowMissingTlog, 'sbom.allowMissingTlog', false),
      forbid: forbidRaw.map((f, i) => {
        const p = `sbom.forbid[${i}]`;
        const o = r.object(f, p, ['purl', 'name', 'version', 'reason']);
        const out: ForbiddenPackage = {};
        const purl = r.string(o.purl, `${p}.purl`);
        const name = r.string(o.name, `${p}.name`);
        const version = r.string(o.version, `${p}.version`);
        const reason = r.string(o.reason, `${p}.reason`);
        if (purl) out.purl = purl;
        if (name) out.name = name;
        if (version) out.version = version;
        if (reason) out.reason = reason;
        if (!out.purl && !out.name) r.fail(p, 'needs purl or name');
        // The same matcher `sbom query` builds: a range or purl it cannot read is a policy error now, not a
        // failed check on every image later.
        try {
          compileQuery({ name: out.name, purl: out.purl, version: out.version });
        } catch (err) {
          r.fail(out.version !== undefined && /range|version/i.test(errorMessage(err)) ? `${p}.version` : p, errorMessage(err));
        }
        return out;
      }),
    };
  }
  return policy;
}
