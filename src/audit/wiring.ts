/**
 * The real capabilities behind `custody audit`: each check calls the module that owns it
 * (verify/ for signatures, provenance/ for SLSA claims, vuln/ for the scan gate, generate/ for the
 * SBOM, query/ for forbidden packages). Results are cached per pinned digest, so an image that runs
 * in fifty pods, or under two tags, is checked once per policy.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { generateSbom } from '../generate/index.js';
import { checkProvenance, createAuthenticator, type Attestation, type ProvenanceResult } from '../provenance/index.js';
import { compareVersions } from '../query/versions/index.js';
import { readSbom } from '../sbom/index.js';
import type { Sbom } from '../sbom/model.js';
import { createRegistryClient, parseImageRef } from '../source/registry-client.js';
import { checkIdentity, openImageSignatureStore, verifyImageSignatures, type TrustedRootHandle, type VerifyPolicy, type VerifyResult } from '../verify/index.js';
import { runExternalEngine } from '../vuln/backends/engines.js';
import { runScan } from '../vuln/scan.js';
import { failOnRank } from '../vuln/gate.js';
import { severityRank } from '../vuln/model.js';
import type { AuditDeps, CheckOutcome, ParsedImage } from './audit.js';
import type { AuditPolicy, IdentityRule, ProvenanceRule, SignatureRule } from './policy.js';

export interface WiringOptions {
  log: Logger;
  /** Directory of the policy file: relative key, ignore and VEX paths are resolved against it. */
  policyDir: string;
  plainHttp: boolean;
  env: Readonly<Record<string, string | undefined>>;
  trustedRoot: TrustedRootHandle;
  toolVersion: string;
  now: Date;
  signal?: AbortSignal;
  /** Who may sign an SBOM attestation (the policy's `signature` rule); required for `sbom.require: attestation`. */
  sbomSigners?: SignatureRule;
  /** `sbom.allowMissingTlog`: accept SBOM attestations without a log proof (key-signed `.att` layers have none). */
  sbomAllowMissingTlog?: boolean;
  /** Image attestations (cosign .att tag, OCI referrers) of a pinned image; from provenance/. */
  discoverAttestations?: (pinnedRef: string) => Promise<Attestation[]>;
}

/** `registry:`-less image references as Kubernetes writes them; a `registry:` prefix is accepted too. */
export function stripTransport(image: string): string {
  return image.replace(/^registry:/, '');
}

function identityPolicy(rule: IdentityRule): VerifyPolicy {
  return {
    kind: 'identity',
    identity: rule.identity !== undefined ? { exact: rule.identity } : { regexp: rule.identityRegexp! },
    issuer: rule.issuer !== undefined ? { exact: rule.issuer } : { regexp: rule.issuerRegexp! },
  };
}

function describeIdentity(rule: IdentityRule): string {
  return `${rule.identity ?? `/${rule.identityRegexp}/`} from ${rule.issuer ?? `/${rule.issuerRegexp}/`}`;
}

/** Memoise an async function by key (the promise is shared, so concurrent callers wait for one run). */
function memo<A extends unknown[], R>(key: (...a: A) => string, fn: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  const cache = new Map<string, Promise<R>>();
  return (...a: A) => {
    const k = key(...a);
    let p = cache.get(k);
    if (p === undefined) {
      p = fn(...a);
      cache.set(k, p);
    }
    return p;
  };
}

export function createAuditDeps(o: WiringOptions): AuditDeps {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(o.policyDir, p));
  const readKey = memo(
    (p: string) => p,
    async (p: string) => {
      try {
        return (await readFile(abs(p))).toString('utf8');
      } catch (err) {
        throw new InputError('AUDIT_POLICY_KEY_UNREADABLE', `cannot read the public key ${p} named by the policy`, { cause: err, hint: 'key paths are relative to the policy file' });
      }
    },
  );
  const registryOptions = { plainHttp: o.plainHttp, env: o.env, log: o.log, ...(o.signal ? { signal: o.signal } : {}) };

  const generate = memo(
    (pinned: string) => pinned,
    async (pinned: string): Promise<Sbom> => {
      const s = await generateSbom({ target: `registry:${pinned}`, plainHttp: o.plainHttp, env: o.env, log: o.log, toolVersion: o.toolVersion, ...(o.signal ? { signal: o.signal } : {}) });
      return Array.isArray(s) ? s[0]! : s;
    },
  );

  const verifySignature = async (pinned: string, rule: SignatureRule): Promise<CheckOutcome> => {
    const store = await openImageSignatureStore(`registry:${pinned}`, { cwd: o.policyDir, plainHttp: o.plainHttp, env: o.env, log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
    const attempts: { label: string; policy: VerifyPolicy }[] = [
      ...rule.identities.map((r) => ({ label: describeIdentity(r), policy: identityPolicy(r) })),
      ...(await Promise.all(rule.keys.map(async (k) => ({ label: `key ${k}`, policy: { kind: 'key', publicKeyPem: await readKey(k) } as VerifyPolicy })))),
    ];
    let last: VerifyResult | undefined;
    for (const a of attempts) {
      const r = await verifyImageSignatures({ store, policy: a.policy, trustedRoot: o.trustedRoot });
      if (r.verified) {
        const who = r.signer?.identity ? `${r.signer.identity} (${r.signer.issuer ?? 'no issuer'})` : a.label;
        return { ok: true, detail: `signed by ${who}`, evidence: { signer: r.signer, source: r.source } };
      }
      last = r;
    }
    const failed = last?.checks.filter((c) => !c.ok).map((c) => c.detail) ?? [];
    return {
      ok: false,
      detail: `no signature verifies with ${attempts.map((a) => a.label).join(' or ')}${failed.length > 0 ? `: ${failed.slice(0, 3).join('; ')}` : ''}`,
      evidence: { checks: last?.checks ?? [] },
    };
  };

  const checkProvenanceOf = async (pinned: string, rule: ProvenanceRule): Promise<CheckOutcome> => {
    if (o.discoverAttestations === undefined) return { ok: false, detail: 'attestation discovery for images is not available' };
    const attestations = await o.discoverAttestations(pinned);
    if (attestations.length === 0) return { ok: false, detail: `no attestation is attached to ${pinned} (cosign .att tag or OCI referrers)` };
    const keys = await Promise.all(rule.keys.map(async (k) => ({ pem: await readKey(k), label: `key ${k}` })));
    const authenticate = createAuthenticator({ trustedRoot: o.trustedRoot, publicKeys: keys, allowMissingTlog: rule.allowMissingTlog });
    const digest = pinned.slice(pinned.indexOf('@sha256:') + '@sha256:'.length);
    const expectations = {
      ...(rule.builderId ? { builderId: rule.builderId } : {}),
      ...(rule.buildType ? { buildType: rule.buildType } : {}),
      ...(rule.predicateType ? { predicateType: rule.predicateType } : {}),
      ...(rule.sourceBranch ? { sourceBranch: rule.sourceBranch } : {}),
      ...(rule.sourceTag ? { sourceTag: rule.sourceTag } : {}),
    };
    // One source URI / workflow of several may match: each candidate is one evaluation.
    const sources = rule.sourceUri && rule.sourceUri.length > 0 ? rule.sourceUri : [undefined];
    const workflows = rule.workflow && rule.workflow.length > 0 ? rule.workflow : [undefined];
    let best: ProvenanceResult | undefined;
    for (const sourceUri of sources) {
      for (const workflow of workflows) {
        const r = await checkProvenance({
          artifact: { kind: 'image', ref: `registry:${pinned}`, digests: { sha256: digest } },
          input: `attestations of ${pinned}`,
          attestations,
          expectations: { ...expectations, ...(sourceUri ? { sourceUri } : {}), ...(workflow ? { workflow } : {}) },
          authenticate,
        });
        if (best === undefined || (r.passed && !best.passed)) best = r;
        if (r.passed) break;
      }
      if (best?.passed) break;
    }
    const r = best!;
    const signer = r.selected.authenticity.signer;
    const failures = [...r.selected.authenticity.checks.filter((c) => !c.ok).map((c) => c.detail), ...r.selected.checks.filter((c) => !c.ok).map((c) => `${c.claim}: ${c.detail}`)];
    if (r.selected.authenticity.error) failures.unshift(r.selected.authenticity.error.message);
    // The attestation's signer must be one the policy names (keys are checked by the authenticator).
    if (r.passed && rule.identities.length > 0) {
      const matched = rule.identities.some((id) => signer?.kind === 'certificate' && checkIdentity(identityPolicy(id) as Extract<VerifyPolicy, { kind: 'identity' }>, signer.identity, signer.claims.issuer).every((c) => c.ok));
      if (!matched) {
        return { ok: false, detail: `provenance is signed by ${signer?.identity ?? 'an unknown signer'}, not by ${rule.identities.map(describeIdentity).join(' or ')}` };
      }
    } else if (r.passed && rule.keys.length > 0 && signer?.kind !== 'key') {
      return { ok: false, detail: `provenance is signed by ${signer?.identity ?? 'an unknown signer'}, not by one of the policy's keys` };
    }
    const f = r.selected.facts;
    const chain = f ? `${f.source?.repository ?? f.source?.uri ?? '?'} -> ${f.builderId ?? '?'} (${f.buildType ?? '?'})` : r.selected.origin;
    return r.passed
      ? { ok: true, detail: `SLSA provenance verified: ${chain}`, evidence: { signer: signer?.identity, facts: f } }
      : { ok: false, detail: `provenance does not hold: ${failures.slice(0, 4).join('; ') || 'no attestation passed'}`, evidence: { origin: r.selected.origin } };
  };

  /**
   * An SBOM attestation (CycloneDX or SPDX predicate) attached to the image, read only from a
   * verified payload: its signer must be one the policy's `signature` rule names.
   */
  const sbomAttestation = async (pinned: string): Promise<{ sbom: Sbom; origin: string } | undefined> => {
    if (o.discoverAttestations === undefined) return undefined;
    const all = await o.discoverAttestations(pinned);
    const candidates = all.filter((a) => /cyclonedx|spdx/i.test(Buffer.from(a.envelope.payload, 'base64').toString('utf8', 0, 4096)));
    if (candidates.length === 0) return undefined;
    const signers = o.sbomSigners;
    if (signers === undefined) {
      o.log.warn(`${pinned}: an SBOM attestation is attached but the policy has no signature rule to authenticate it; it is not used`);
      return undefined;
    }
    const keys = await Promise.all(signers.keys.map(async (k) => ({ pem: await readKey(k), label: `key ${k}` })));
    const authenticate = createAuthenticator({ trustedRoot: o.trustedRoot, publicKeys: keys, allowMissingTlog: o.sbomAllowMissingTlog === true });
    for (const att of candidates) {
      const a = await authenticate(att);
      if (!a.ok || a.payload === undefined) continue;
      if (a.signer?.kind === 'certificate') {
        const byPolicy = signers.identities.some((id) => checkIdentity(identityPolicy(id) as Extract<VerifyPolicy, { kind: 'identity' }>, a.signer!.identity, a.signer!.claims.issuer).every((c) => c.ok));
        if (!byPolicy) continue;
      }
      // The SBOM is the statement's predicate, read from the verified payload only.
      let statement: { predicate?: unknown; subject?: { digest?: Record<string, string> }[] } = {};
      try {
        statement = JSON.parse(a.payload.toString('utf8')) as typeof statement;
      } catch {
        statement = {};
      }
      // An attestation about another artifact says nothing about this image.
      const hex = pinned.slice(pinned.lastIndexOf('@sha256:') + '@sha256:'.length);
      if (!(statement.subject ?? []).some((sub) => sub.digest?.sha256?.toLowerCase() === hex)) {
        o.log.warn(`${pinned}: the SBOM attestation ${att.origin} is about another artifact (no subject with digest sha256:${hex})`);
        continue;
      }
      const predicate = statement.predicate;
      if (predicate === undefined || predicate === null || typeof predicate !== 'object') {
        o.log.warn(`${pinned}: the SBOM attestation ${att.origin} has no SBOM predicate`);
        continue;
      }
      return { sbom: await readSbom(Buffer.from(JSON.stringify(predicate)), { logger: o.log, name: att.origin }), origin: `attestation ${att.origin}` };
    }
    o.log.warn(`${pinned}: ${candidates.length} SBOM attestation(s) attached, none signed by the policy's signers`);
    return undefined;
  };

  const scan = async (pinned: string, v: NonNullable<AuditPolicy['vulnerabilities']>): Promise<CheckOutcome> => {
    const engine = (v.engine ?? (v.osvDb ? 'osv' : undefined)) as 'osv' | 'grype' | 'trivy' | undefined;
    if (engine === undefined) return { ok: false, detail: 'vulnerabilities: the policy names no scanner (set vulnerabilities.osvDb or vulnerabilities.engine)' };
    const g = await runScan(
      {
        input: { kind: 'image', ref: `registry:${pinned}` },
        engine,
        ...(v.osvDb ? { osvDb: abs(v.osvDb) } : {}),
        failOn: v.failOn,
        onlyFixed: v.onlyFixed,
        unscored: 'ignore',
        ignoreFiles: v.ignore ? [abs(v.ignore)] : [],
        vexFiles: v.vex.map(abs),
        now: o.now,
        ...(o.signal ? { signal: o.signal } : {}),
      },
      {
        log: o.log,
        readSbom: (path) => readSbom(path, { logger: o.log }),
        catalogImage: (ref) => generate(stripTransport(ref)),
        compareVersions,
        runEngine: (e, input, signal) => runExternalEngine(e, input, { log: o.log, env: o.env, ...(signal ? { signal } : {}) }),
      },
    );
    // Name what fails the gate (the summary alone only counts it): the highest-severity findings first.
    const blocking = g.gate.passed ? [] : g.findings.filter((f) => f.severity.level !== 'unknown' && failOnRank(v.failOn) <= severityRank(f.severity.level));
    const named = blocking.slice(0, 5).map((f) => `${f.id} ${f.package.name}@${f.package.version} (${f.severity.level})`);
    const detail = named.length > 0 ? `${g.gate.summary}: ${named.join('; ')}${blocking.length > 5 ? ` and ${blocking.length - 5} more` : ''}` : g.gate.summary;
    return { ok: g.gate.passed, detail, evidence: { failing: g.gate.failing, findings: g.findings.length, suppressed: g.suppressed.length } };
  };

  return {
    log: o.log,
    parseImage: (image: string): ParsedImage => parseImageRef(stripTransport(image)),
    resolveDigest: memo(
      (p: ParsedImage) => `${p.registry}/${p.repository}:${p.tag}`,
      (p: ParsedImage) => createRegistryClient({ registry: p.registry, repository: p.repository, ...(p.tag ? { tag: p.tag } : {}) }, registryOptions).resolveDigest(),
    ),
    verifySignature: memo((pinned: string, rule: SignatureRule) => `sig ${pinned} ${JSON.stringify(rule)}`, verifySignature),
    checkProvenance: memo((pinned: string, rule: ProvenanceRule) => `prov ${pinned} ${JSON.stringify(rule)}`, checkProvenanceOf),
    scan: memo((pinned: string, v: NonNullable<AuditPolicy['vulnerabilities']>) => `scan ${pinned} ${JSON.stringify(v)}`, scan),
    sbom: async (pinned, require) => {
      const attested = await sbomAttestation(pinned);
      if (attested) return attested;
      if (require === 'generate') return { sbom: await generate(pinned), origin: 'generated by custody' };
      return undefined;
    },
  };
}
