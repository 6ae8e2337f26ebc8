/**
 * `custody audit` results: one verdict per image (every check with its reason) and per workload.
 * Plain data, rendered by report/ (table, json, markdown, sarif).
 */

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface AuditCheck {
  /** The policy rule: 'images.requireDigest', 'signature', 'provenance[0]', 'vulnerabilities', 'sbom.forbid', ... */
  rule: string;
  status: CheckStatus;
  /** One line saying what was found: the reason of a failure, or what passed. */
  detail: string;
  /** Optional structured evidence (identities, findings counts, package locations). */
  evidence?: Record<string, unknown>;
}

export interface ImageVerdict {
  /** The image as written in the manifest or on the command line. */
  image: string;
  /** registry/repository, normalised. */
  repository: string;
  tag?: string;
  /** The digest the image resolved to (undefined when it could not be resolved). */
  digest?: string;
  /** A manifest that names both a tag and a digest whose tag now points elsewhere. */
  drift?: { tag: string; tagDigest: string; pinnedDigest: string };
  ok: boolean;
  checks: AuditCheck[];
}

export interface WorkloadVerdict {
  kind: string;
  namespace: string;
  name: string;
  origin: string;
  ok: boolean;
  /** Excluded by images.excludedNamespaces: listed, not checked. */
  excluded: boolean;
  containers: { name: string; role: string; image: string; ok: boolean }[];
}

export interface AuditResult {
  /** 'image' for `custody audit IMAGE`, 'k8s' for manifests. */
  mode: 'image' | 'k8s';
  policyFile: string;
  policyHash: string;
  ok: boolean;
  images: ImageVerdict[];
  workloads: WorkloadVerdict[];
  /** Counts for the summary line. */
  summary: { images: number; imagesFailed: number; workloads: number; workloadsFailed: number; excluded: number };
}
