/**
 * The chain of custody for images: image-reference rules, digest resolution (with drift), signature,
 * provenance, vulnerabilities and SBOM rules — each check delegated to the module that owns it
 * (verify/, provenance/, vuln/, sbom + query/), injected as `AuditDeps` so audit never re-implements one.
 */
import { createHash } from 'node:crypto';
import { AuditError, errorMessage } from '../core/errors.js';
import type { Incomplete } from '../core/incomplete.js';
import type { Logger } from '../core/log.js';
import { compileQuery, matchPackage } from '../query/match.js';
import { declaredIncompleteInput } from '../sbom/completeness.js';
import type { Sbom } from '../sbom/model.js';
import { checkImageRules, checkLocalImageRules, registryAllowed, writtenRef, type WrittenRef } from './image-rules.js';
import type { Workload } from './k8s.js';
import type { AuditCheck, AuditResult, ImageVerdict, WorkloadVerdict } from './model.js';
import type { AuditPolicy, ProvenanceRule, SignatureRule } from './policy.js';

/** Outcome of one delegated check. */
export interface CheckOutcome {
  ok: boolean;
  detail: string;
  evidence?: Record<string, unknown>;
  /** What the check could not read: a pass over it is not conclusive (README "Completeness"). */
  incomplete?: Incomplete[];
}

export interface ParsedImage {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** A local image given to `custody audit` (not a registry reference): what it is and where it is read. */
export interface LocalImage {
  /** The source reference with its transport (`oci-dir:./img`, `docker-archive:app.tar`, `dir:./rootfs`). */
  ref: string;
  transport: 'oci-dir' | 'oci-archive' | 'docker-archive' | 'dir';
  /** Manifest digest (layouts, Docker >= 25 archives), else the config digest (older docker save); none for dir. */
  digest?: string;
  /** Tags the layout or archive records. */
  tags: string[];
}

/**
 * Checks of local images. Signatures and attestations are read from beside the image where a layout stores
 * them (`oci-dir:`, `oci-archive:`, including `cosign save` layouts); vulnerabilities and SBOM rules come from
 * the image itself. A check that cannot apply to the transport is a failed check saying so (fail closed).
 */
export interface LocalImageDeps {
  /** The local image `image` names, or undefined when it is a registry reference. @throws InputError for a path that cannot be read */
  resolve(image: string): Promise<LocalImage | undefined>;
  verifySignature(image: LocalImage, rule: SignatureRule): Promise<CheckOutcome>;
  checkProvenance(image: LocalImage, rule: ProvenanceRule): Promise<CheckOutcome>;
  scan(image: LocalImage, policy: NonNullable<AuditPolicy['vulnerabilities']>): Promise<CheckOutcome>;
  sbom(image: LocalImage, require: 'attestation' | 'generate'): Promise<{ sbom: Sbom; origin: string } | undefined>;
}

/** Capabilities audit uses; the CLI wires the real modules, tests may pass fakes. */
export interface AuditDeps {
  /** Local images (`custody audit oci-dir:...`); without it every image is a registry reference. */
  local?: LocalImageDeps;
  log: Logger;
  parseImage(image: string): ParsedImage;
  /** Manifest digest a tag currently points to. @throws NetworkError when the registry is unreachable. */
  resolveDigest(image: ParsedImage): Promise<string>;
  verifySignature(pinned: string, rule: SignatureRule): Promise<CheckOutcome>;
  checkProvenance(pinned: string, rule: ProvenanceRule): Promise<CheckOutcome>;
  scan(pinned: string, policy: NonNullable<AuditPolicy['vulnerabilities']>): Promise<CheckOutcome>;
  /** The image's SBOM: from an attached SBOM attestation, or generated when `require` is 'generate'. */
  sbom(pinned: string, require: 'attestation' | 'generate'): Promise<{ sbom: Sbom; origin: string } | undefined>;
}

export function policyHash(policyText: string): string {
  return `sha256:${createHash('sha256').update(policyText).digest('hex')}`;
}

function pinnedRef(p: ParsedImage, digest: string): string {
  return `${p.registry}/${p.repository}@${digest}`;
}

/**
 * A delegated check never throws into the verdict: an error is a failed check that says why (fail
 * closed) and that it was not checked.
 */
async function guarded(rule: string, run: () => Promise<CheckOutcome>): Promise<AuditCheck> {
  try {
    const r = await run();
    return { rule, status: r.ok ? 'pass' : 'fail', detail: r.detail, ...(r.evidence ? { evidence: r.evidence } : {}), ...(r.incomplete && r.incomplete.length > 0 ? { incomplete: r.incomplete } : {}) };
  } catch (err) {
    const code = err instanceof AuditError ? ` [${err.code}]` : '';
    return { rule, status: 'fail', detail: `could not check${code}: ${errorMessage(err)}`, notChecked: true };
  }
}

/** What an image's checks could not read, and the checks that could not run, as incomplete entries of the image. */
function imageIncomplete(image: string, checks: readonly AuditCheck[]): Incomplete[] {
  const out: Incomplete[] = [];
  for (const c of checks) {
    if (c.notChecked) out.push({ kind: 'image', path: image, reason: `${c.rule} not checked: ${c.detail.replace(/^could not check(?: \[[A-Z_]+\])?: /, '')}`, by: c.rule });
    for (const i of c.incomplete ?? []) out.push({ ...i, by: i.by ?? c.rule });
  }
  return out;
}

function forbiddenChecks(sbom: Sbom, origin: string, policy: NonNullable<AuditPolicy['sbom']>): AuditCheck[] {
  return policy.forbid.map((f, i) => {
    const rule = `sbom.forbid[${i}]`;
    const q = compileQuery({ name: f.name, purl: f.purl, version: f.version });
    // A package a later layer deleted is not in the image (README "Deleted packages").
    const hits = sbom.packages.filter((p) => p.deleted !== true && matchPackage(q, p));
    const what = `${f.purl ?? f.name}${f.version ? ` ${f.version}` : ''}`;
    if (hits.length === 0) return { rule, status: 'pass', detail: `no ${what} in the SBOM (${origin}, ${sbom.packages.length} packages)` };
    const list = hits
      .slice(0, 5)
      // path → package@version (the image is the verdict's): every copy's path, so each can be found.
      .map((h) => `${h.locations.length > 0 ? `${h.locations.map((l) => l.path).join(', ')} → ` : ''}${h.name}@${h.version}`)
      .join('; ');
    return {
      rule,
      status: 'fail',
      detail: `forbidden package ${what}${f.reason ? ` (${f.reason})` : ''}: ${list}${hits.length > 5 ? ` and ${hits.length - 5} more` : ''}`,
      evidence: { packages: hits.map((h) => ({ name: h.name, version: h.version, purl: h.purl, locations: h.locations.map((l) => l.path) })) },
    };
  });
}

/** Audit a local image: the same checks, each read from where a local image keeps it (see LocalImageDeps). */
async function auditLocalImage(image: string, local: LocalImage, policy: AuditPolicy, deps: LocalImageDeps): Promise<ImageVerdict> {
  const checks: AuditCheck[] = checkLocalImageRules(image, local, policy);
  const verdict: ImageVerdict = { image, repository: local.ref, ok: false, checks, incomplete: [] };
  if (local.digest !== undefined) verdict.digest = local.digest;
  if (policy.signature) {
    const rule = policy.signature;
    checks.push(await guarded('signature', () => deps.verifySignature(local, rule)));
  }
  for (const [i, rule] of policy.provenance.entries()) {
    // Rules scoped to registries (`images:` globs) do not name a local image; unscoped rules apply to every image.
    if (rule.images.length > 0) continue;
    checks.push(await guarded(`provenance[${i}]`, () => deps.checkProvenance(local, rule)));
  }
  if (policy.vulnerabilities) {
    const v = policy.vulnerabilities;
    checks.push(await guarded('vulnerabilities', () => deps.scan(local, v)));
  }
  if (policy.sbom && policy.sbom.require !== 'none') {
    const s = policy.sbom;
    let got: { sbom: Sbom; origin: string } | undefined;
    checks.push(
      await guarded('sbom', async () => {
        got = await deps.sbom(local, s.require === 'attestation' ? 'attestation' : 'generate');
        if (!got) return { ok: false, detail: `no SBOM attestation is stored with the image${local.transport === 'oci-dir' || local.transport === 'oci-archive' ? '' : ` (a ${local.transport} source stores none)`}` };
        // As for registry images: "no forbidden package" in an incomplete SBOM is not conclusive.
        const declared = declaredIncompleteInput(got.sbom, `SBOM of ${image} (${got.origin})`);
        return { ok: true, detail: `SBOM ${got.origin} (${got.sbom.packages.length} packages${declared ? ', declared incomplete' : ''})`, ...(declared ? { incomplete: [declared] } : {}) };
      }),
    );
    if (got) checks.push(...forbiddenChecks(got.sbom, got.origin, s));
  }
  verdict.ok = checks.every((c) => c.status !== 'fail');
  verdict.incomplete = imageIncomplete(image, checks);
  return verdict;
}

/** Audit one image reference against the policy. Network failures while resolving propagate (exit 5). */
export async function auditImage(image: string, policy: AuditPolicy, deps: AuditDeps, o: { allowLocal?: boolean } = {}): Promise<ImageVerdict> {
  // Images a manifest runs are registry references whatever files lie around; only command-line images may be local.
  const local = deps.local === undefined || o.allowLocal !== true ? undefined : await deps.local.resolve(image);
  if (local !== undefined) return auditLocalImage(image, local, policy, deps.local!);
  const parsed = deps.parseImage(image);
  const written: WrittenRef = writtenRef(image, parsed);
  const checks: AuditCheck[] = checkImageRules(image, written, policy);
  const verdict: ImageVerdict = { image, repository: written.repository, ok: false, checks, incomplete: [] };
  if (written.tag) verdict.tag = written.tag;

  // Resolve the tag; a digest pin is trusted as the identity, and a tag next to it is checked for drift.
  let digest = parsed.digest;
  if (parsed.tag !== undefined && (digest === undefined || written.tag !== undefined)) {
    const tagDigest = await deps.resolveDigest({ ...parsed, digest: undefined } as ParsedImage);
    if (digest === undefined) digest = tagDigest;
    else if (tagDigest !== digest) verdict.drift = { tag: parsed.tag, tagDigest, pinnedDigest: digest };
  }
  if (digest === undefined) throw new Error(`no digest for ${image}`);
  verdict.digest = digest;
  const pinned = pinnedRef(parsed, digest);
  if (verdict.drift) deps.log.warn(`${image}: tag ${verdict.drift.tag} now points to ${verdict.drift.tagDigest}, not the pinned ${digest}`);

  if (policy.signature) {
    const rule = policy.signature;
    checks.push(await guarded('signature', () => deps.verifySignature(pinned, rule)));
  }
  for (const [i, rule] of policy.provenance.entries()) {
    if (rule.images.length > 0 && !registryAllowed(rule.images, written)) continue;
    checks.push(await guarded(`provenance[${i}]`, () => deps.checkProvenance(pinned, rule)));
  }
  if (policy.vulnerabilities) {
    const v = policy.vulnerabilities;
    checks.push(await guarded('vulnerabilities', () => deps.scan(pinned, v)));
  }
  if (policy.sbom && policy.sbom.require !== 'none') {
    const s = policy.sbom;
    let got: { sbom: Sbom; origin: string } | undefined;
    const sbomCheck = await guarded('sbom', async () => {
      got = await deps.sbom(pinned, s.require === 'attestation' ? 'attestation' : 'generate');
      if (!got) return { ok: false, detail: 'no SBOM attestation is attached to the image' };
      // An SBOM made from partly unreadable layers, or an attested one that declares itself incomplete:
      // "no forbidden package" in it is not conclusive (README "Completeness").
      const declared = declaredIncompleteInput(got.sbom, `SBOM of ${image} (${got.origin})`);
      return { ok: true, detail: `SBOM ${got.origin} (${got.sbom.packages.length} packages${declared ? ', declared incomplete' : ''})`, ...(declared ? { incomplete: [declared] } : {}) };
    });
    checks.push(sbomCheck);
    if (got) checks.push(...forbiddenChecks(got.sbom, got.origin, s));
  }
  verdict.ok = checks.every((c) => c.status !== 'fail');
  verdict.incomplete = imageIncomplete(image, checks);
  return verdict;
}

export interface AuditRunOptions {
  policy: AuditPolicy;
  policyFile: string;
  policyText: string;
  concurrency: number;
  onProgress?: (message: string) => void;
}

/** Runs `fn` over items with at most `n` in flight, results in input order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

function summarise(mode: 'image' | 'k8s', o: AuditRunOptions, images: ImageVerdict[], workloads: WorkloadVerdict[], unread: readonly Incomplete[] = []): AuditResult {
  const checked = workloads.filter((w) => !w.excluded);
  const ok = images.every((i) => i.ok);
  return {
    incomplete: [...unread, ...images.flatMap((i) => i.incomplete)],
    mode,
    policyFile: o.policyFile,
    policyHash: policyHash(o.policyText),
    ok,
    images,
    workloads,
    summary: {
      images: images.length,
      imagesFailed: images.filter((i) => !i.ok).length,
      workloads: checked.length,
      workloadsFailed: checked.filter((w) => !w.ok).length,
      excluded: workloads.length - checked.length,
    },
  };
}

/** Audit images named on the command line. */
export async function auditImages(images: readonly string[], o: AuditRunOptions, deps: AuditDeps): Promise<AuditResult> {
  const verdicts = await auditDistinct(images, o, deps, true);
  return summarise('image', o, images.map((i) => verdicts.get(i)!), []);
}

/**
 * Each distinct image string is audited once (a manifest running the same image in fifty pods is
 * checked once); identical digests share their delegated checks through the deps' cache.
 */
async function auditDistinct(images: readonly string[], o: AuditRunOptions, deps: AuditDeps, allowLocal = false): Promise<Map<string, ImageVerdict>> {
  const distinct = [...new Set(images)].sort();
  let done = 0;
  const verdicts = await pool(distinct, o.concurrency, async (image) => {
    o.onProgress?.(`auditing ${image} (${done + 1}/${distinct.length})`);
    const v = await auditImage(image, o.policy, deps, { allowLocal });
    done++;
    o.onProgress?.(`${v.ok ? 'pass' : 'FAIL'} ${image} (${done}/${distinct.length})`);
    return v;
  });
  return new Map(distinct.map((d, i) => [d, verdicts[i]!]));
}

/**
 * Audit every image the workloads run; workloads in excluded namespaces are listed, not checked.
 * `unread`: manifests and workloads that could not be read (`readManifests`), carried into the result.
 */
export async function auditWorkloads(workloads: readonly Workload[], o: AuditRunOptions, deps: AuditDeps, unread: readonly Incomplete[] = []): Promise<AuditResult> {
  const excluded = (w: Workload): boolean => o.policy.images.excludedNamespaces.includes(w.namespace);
  const images = workloads.filter((w) => !excluded(w)).flatMap((w) => w.containers.map((c) => c.image));
  const verdicts = await auditDistinct(images, o, deps);
  const wv: WorkloadVerdict[] = workloads.map((w) => {
    const isExcluded = excluded(w);
    const containers = w.containers.map((c) => ({ name: c.name, role: c.role, image: c.image, ok: isExcluded || verdicts.get(c.image)?.ok === true }));
    return { kind: w.kind, namespace: w.namespace, name: w.name, origin: w.origin, excluded: isExcluded, ok: containers.every((c) => c.ok), containers };
  });
  return summarise('k8s', o, [...verdicts.values()], wv, unread);
}
