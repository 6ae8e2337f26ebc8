/**
 * `custody audit` results: one verdict per image (every check with its reason) and per workload.
 * Plain data, rendered by report/ (table, json, markdown, sarif).
 */

import type { Incomplete } from '../core/incomplete.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface AuditCheck {
  /** The policy rule: 'images.requireDigest', 'signature', 'provenance[0]', 'vulnerabilities', 'sbom.forbid', ... */
  rule: string;
  status: CheckStatus;
  /** One line saying what was found: the reason of a failure, or what passed. */
  detail: string;
  /** Optional structured evidence (identities, findings counts, package locations). */
  evidence?: Record<string, unknown>;
  /** The check could not run (a registry refused, a key was missing): it fails closed, and says it was not checked. */
  notChecked?: true;
  /** What the check could not read (an SBOM that declares itself incomplete, a layer): a pass over it is incomplete. */
  incomplete?: Incomplete[];
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
  /** Everything not read or not checked for this image (its checks' `incomplete`, checks that could not run). */
  incomplete: Incomplete[];
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
  /**
   * Everything the audit could not read or check (README "Completeness"): manifests and workloads it
   * could not read, images whose checks could not run or read incomplete input. A passing audit over any
   * of it exits 3 unless `--allow-incomplete` or the policy's `allowIncomplete: true`.
   */
  incomplete: Incomplete[];
}
