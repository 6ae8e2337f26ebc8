/**
 * The real capabilities behind `custody audit`: each check calls the module that owns it
 * (verify/ for signatures, provenance/ for SLSA claims, vuln/ for the scan gate, generate/ for the
 * SBOM, query/ for forbidden packages). Results are cached per pinned digest, so an image that runs
 * in fifty pods, or under two tags, is checked once per policy.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import type { Logger } from '../core/log.js';
import { generateSbom } from '../generate/index.js';
import { checkProvenance, createAuthenticator, type Attestation, type ProvenanceResult } from '../provenance/index.js';
import { compareVersions } from '../query/versions/index.js';
import { readSbom } from '../sbom/index.js';
import type { Sbom } from '../sbom/model.js';
import { openSource } from '../source/index.js';
import { createRegistryClient, parseImageRef } from '../source/registry-client.js';
import { checkIdentity, openImageSignatureStore, verifyImageSignatures, type TrustedRootHandle, type VerifyPolicy, type VerifyResult } from '../verify/index.js';
import { runExternalEngine } from '../vuln/backends/engines.js';
import { runScan } from '../vuln/scan.js';
import { resolveVulnDbDir } from '../vuln/vulndb/layout.js';
import { failOnRank } from '../vuln/gate.js';
import { severityRank } from '../vuln/model.js';
import type { AuditDeps, CheckOutcome, LocalImage, ParsedImage } from './audit.js';
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
  /**
   * Attestations (cosign .att tag or `cosign save` entries, OCI referrers) of an image, by source reference:
   * `registry:HOST/REPO@sha256:...` or a local layout (`oci-dir:PATH`, `oci-archive:PATH`); from provenance/.
   */
  discoverAttestations?: (sourceRef: string) => Promise<Attestation[]>;
  /** Base of relative local image paths (`custody audit oci-dir:./img`): the CLI's working directory. */
  cwd?: string;
  /** Keys the policy names, read and checked when it was loaded (audit/load-policy.ts), by path as written. */
  keys?: ReadonlyMap<string, string>;
}

/**
 * Where a check reads an image: its source reference (what verify/, provenance/, vuln/ and generate/ open),
 * a key for the per-run memo, and the manifest digest when there is one.
 */
interface Target {
  ref: string;
  key: string;
  digest?: string;
  /** Can signatures and attestations be stored beside it (a registry or an OCI layout)? */
  attachments: boolean;
  /** How to name it in details. */
  label: string;
  transport: string;
}

function registryTarget(pinned: string): Target {
  return { ref: `registry:${pinned}`, key: pinned, digest: pinned.slice(pinned.lastIndexOf('@') + 1), attachments: true, label: pinned, transport: 'registry' };
}

function localTarget(img: LocalImage): Target {
  return {
    ref: img.ref,
    key: img.ref,
    ...(img.digest !== undefined ? { digest: img.digest } : {}),
    attachments: img.transport === 'oci-dir' || img.transport === 'oci-archive',
    label: img.ref,
    transport: img.transport,
  };
}

/** The failed check for a rule that reads what a registry or layout stores beside an image, on a source that stores none. */
function cannotApply(t: Target, what: string): CheckOutcome {
  return {
    ok: false,
    detail: `cannot apply to a local ${t.transport} source: ${what} are stored beside an image in a registry or an OCI layout (oci-dir:, oci-archive:, cosign save), and ${t.label} carries none`,
  };
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
      const loaded = o.keys?.get(p);
      if (loaded !== undefined) return loaded;
      return (await readInputFile(abs(p), { prefix: 'AUDIT_POLICY_KEY', what: 'public key', shown: p, maxBytes: 64 * 1024 })).toString('utf8');
    },
  );
  const cwd = o.cwd ?? o.policyDir;
  // Provenance rules and the SBOM rule read the same attachments: discover them once per image and run.
  const discover = o.discoverAttestations;
  const discoverAttestations = discover === undefined ? undefined : memo((ref: string) => ref, (ref: string) => discover(ref));
  const registryOptions = { plainHttp: o.plainHttp, env: o.env, log: o.log, ...(o.signal ? { signal: o.signal } : {}) };

  const generate = memo(
    (t: Target) => t.key,
    async (t: Target): Promise<Sbom> => {
      const s = await generateSbom({ target: t.ref, cwd, plainHttp: o.plainHttp, env: o.env, log: o.log, toolVersion: o.toolVersion, ...(o.signal ? { signal: o.signal } : {}) });
      return Array.isArray(s) ? s[0]! : s;
    },
  );

  const verifySignature = async (t: Target, rule: SignatureRule): Promise<CheckOutcome> => {
    if (!t.attachments) return cannotApply(t, 'signatures');
    const store = await openImageSignatureStore(t.ref, { cwd, plainHttp: o.plainHttp, env: o.env, log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
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

  const checkProvenanceOf = async (t: Target, rule: ProvenanceRule): Promise<CheckOutcome> => {
    if (!t.attachments) return cannotApply(t, 'provenance attestations');
    if (discoverAttestations === undefined) return { ok: false, detail: 'attestation discovery for images is not available' };
    if (t.digest === undefined || !t.digest.startsWith('sha256:')) return { ok: false, detail: `${t.label} has no sha256 manifest digest for an attestation to name` };
    const attestations = await discoverAttestations(t.ref);
    if (attestations.length === 0) return { ok: false, detail: `no attestation is attached to ${t.label} (cosign .att tag or save entries, OCI referrers)` };
    const keys = await Promise.all(rule.keys.map(async (k) => ({ pem: await readKey(k), label: `key ${k}` })));
    const authenticate = createAuthenticator({ trustedRoot: o.trustedRoot, publicKeys: keys, allowMissingTlog: rule.allowMissingTlog });
    const digest = t.digest.slice('sha256:'.length);
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
          artifact: { kind: 'image', ref: t.ref, digests: { sha256: digest } },
          input: `attestations of ${t.label}`,
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
  const sbomAttestation = async (t: Target): Promise<{ sbom: Sbom; origin: string } | undefined> => {
    if (discoverAttestations === undefined || !t.attachments || t.digest === undefined) return undefined;
    const pinned = t.label;
    const all = await discoverAttestations(t.ref);
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
      const hex = t.digest.slice(t.digest.indexOf(':') + 1);
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

  const scan = async (t: Target, v: NonNullable<AuditPolicy['vulnerabilities']>): Promise<CheckOutcome> => {
    // No engine named: the native one, on osvDb or else the local database (custody vulndb).
    const engine = (v.engine ?? 'osv') as 'osv' | 'grype' | 'trivy';
    const g = await runScan(
      {
        input: { kind: 'image', ref: t.ref },
        engine,
        ...(v.osvDb ? { osvDb: abs(v.osvDb) } : {}),
        ...(engine === 'osv' && !v.osvDb ? { vulndbDir: resolveVulnDbDir(v.vulndbDir !== undefined ? abs(v.vulndbDir) : undefined, o.env, o.policyDir) } : {}),
        ...(v.maxVulnDbAgeSeconds !== undefined ? { maxVulnDbAge: { seconds: v.maxVulnDbAgeSeconds, explicit: true } } : {}),
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
        catalogImage: () => generate(t),
        compareVersions,
        runEngine: (e, input, signal) => runExternalEngine(e, input, { log: o.log, env: o.env, ...(signal ? { signal } : {}) }),
      },
    );
    // Name what fails the gate (the summary alone only counts it): the highest-severity findings first.
    const blocking = g.gate.passed ? [] : g.findings.filter((f) => f.severity.level !== 'unknown' && failOnRank(v.failOn) <= severityRank(f.severity.level));
    // path → package@version (the image is the verdict's), so each copy can be found.
    const named = blocking.slice(0, 5).map((f) => `${f.id} ${f.package.locations[0] ? `${f.package.locations[0]} → ` : ''}${f.package.name}@${f.package.version} (${f.severity.level})`);
    const detail = named.length > 0 ? `${g.gate.summary}: ${named.join('; ')}${blocking.length > 5 ? ` and ${blocking.length - 5} more` : ''}` : g.gate.summary;
    const unread = g.scan.incomplete ?? [];
    return { ok: g.gate.passed, detail, evidence: { failing: g.gate.failing, findings: g.findings.length, suppressed: g.suppressed.length }, ...(unread.length > 0 ? { incomplete: unread.map((i) => ({ ...i, path: `${t.ref}: ${i.path}` })) } : {}) };
  };

  return {
    log: o.log,
    parseImage: (image: string): ParsedImage => {
      // A transport other than registry: is never a host name (`oci-dir:./img` is not the registry "oci-dir").
      const transport = /^([a-z-]+):(?!\d)/.exec(image)?.[1];
      if (transport !== undefined && transport !== 'registry' && !/^[a-z0-9-]+\.[a-z0-9.-]+$/.test(transport) && transport !== 'localhost') {
        throw new InputError('AUDIT_NOT_A_REGISTRY_IMAGE', `${image} is a ${transport}: reference, and images that manifests run come from registries`, {
          hint: 'audit a local image on the command line (custody audit oci-dir:PATH --policy ...); manifests name host/repository[:tag][@sha256:...]',
        });
      }
      return parseImageRef(stripTransport(image));
    },
    resolveDigest: memo(
      (p: ParsedImage) => `${p.registry}/${p.repository}:${p.tag}`,
      (p: ParsedImage) => createRegistryClient({ registry: p.registry, repository: p.repository, ...(p.tag ? { tag: p.tag } : {}) }, registryOptions).resolveDigest(),
    ),
    verifySignature: memo((pinned: string, rule: SignatureRule) => `sig ${pinned} ${JSON.stringify(rule)}`, (pinned, rule) => verifySignature(registryTarget(pinned), rule)),
    checkProvenance: memo((pinned: string, rule: ProvenanceRule) => `prov ${pinned} ${JSON.stringify(rule)}`, (pinned, rule) => checkProvenanceOf(registryTarget(pinned), rule)),
    scan: memo((pinned: string, v: NonNullable<AuditPolicy['vulnerabilities']>) => `scan ${pinned} ${JSON.stringify(v)}`, (pinned, v) => scan(registryTarget(pinned), v)),
    sbom: (pinned, require) => sbomOf(registryTarget(pinned), require),
    local: {
      resolve: (image) => resolveLocalImage(image, { cwd, log: o.log }),
      verifySignature: memo((img: LocalImage, rule: SignatureRule) => `sig ${img.ref} ${JSON.stringify(rule)}`, (img, rule) => verifySignature(localTarget(img), rule)),
      checkProvenance: memo((img: LocalImage, rule: ProvenanceRule) => `prov ${img.ref} ${JSON.stringify(rule)}`, (img, rule) => checkProvenanceOf(localTarget(img), rule)),
      scan: memo((img: LocalImage, v: NonNullable<AuditPolicy['vulnerabilities']>) => `scan ${img.ref} ${JSON.stringify(v)}`, (img, v) => scan(localTarget(img), v)),
      sbom: (img, require) => sbomOf(localTarget(img), require),
    },
  };

  async function sbomOf(t: Target, require: 'attestation' | 'generate'): Promise<{ sbom: Sbom; origin: string } | undefined> {
    const attested = await sbomAttestation(t);
    if (attested) return attested;
    if (require === 'generate') return { sbom: await generate(t), origin: 'generated by custody' };
    return undefined;
  }
}

const LOCAL_TRANSPORTS = new Set(['oci-dir', 'oci', 'oci-archive', 'docker-archive', 'dir']);

/**
 * The local image an audit argument names: a `oci-dir:`/`oci:`/`oci-archive:`/`docker-archive:`/`dir:`
 * reference, or a path (`/...`, `./...`, `../...`, or one that exists; a bare name that exists is read as
 * the path, as `sbom generate` does, and the choice is logged). Registry references give undefined.
 * @throws InputError when the path cannot be read or is not an image (as openSource throws)
 */
export async function resolveLocalImage(image: string, o: { cwd: string; log: Logger }): Promise<LocalImage | undefined> {
  const m = /^([a-z-]+):(.*)$/s.exec(image);
  if (m !== null && m[1] === 'registry') return undefined;
  const explicit = m !== null && LOCAL_TRANSPORTS.has(m[1]!);
  const pathLike = /^(\/|\.\.?\/)/.test(image);
  if (!explicit && !pathLike) {
    const p = isAbsolute(image) ? image : resolve(o.cwd, image);
    if ((await stat(p).catch(() => undefined)) === undefined) return undefined;
  }
  const ref = m !== null && m[1] === 'oci' ? `oci-dir:${m[2]!}` : image;
  const source = await openSource(ref, { cwd: o.cwd, log: o.log });
  try {
    const d = source.describe();
    const transport = (d.transport ?? 'dir') as LocalImage['transport'];
    const canonical = explicit ? ref : `${transport}:${image}`;
    if (!explicit && !pathLike) o.log.info(`${image}: auditing the local ${transport} image at this path (write registry:${image} for a registry image)`);
    const digest = d.manifestDigest ?? d.configDigest;
    return { ref: canonical, transport, ...(digest !== undefined ? { digest } : {}), tags: d.repoTags ?? [] };
  } finally {
    await source[Symbol.asyncDispose]();
  }
}
