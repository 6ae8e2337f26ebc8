/** The result of `sbom query` (file scan or index): plain data, rendered by report/human/query.ts. */
import type { Incomplete } from '../core/incomplete.js';
import type { LinuxRelease, Location, Package, SourceDescription } from '../sbom/model.js';
import { subjectLabel } from '../sbom/subject.js';
import type { QueryOptions } from './match.js';

/** What an SBOM describes, as a query reports it (docs/schemas/custody-query.schema.json `subject`). */
export interface QuerySubject {
  kind: SourceDescription['kind'];
  /** As the SBOM records it: what the user typed ('oci-dir:/images/app', 'registry:host/repo:tag') or the document's name. */
  name: string;
  /** How a responder reads it: a registry reference or repo tag when there is one, else the path with its OCI ref name. */
  label?: string | undefined;
  /** The manifest digest (else a repo digest, else the config digest). */
  digest?: string | undefined;
  configDigest?: string | undefined;
  tags?: string[] | undefined;
  repoDigests?: string[] | undefined;
  /** An OCI layout's ref name ('latest') when it is not a full reference. */
  refName?: string | undefined;
  /** 'oci-dir', 'registry', 'docker-archive', ...; 'sbom' when the SBOM's tool did not say. */
  transport?: string | undefined;
}

/** How `--advisory` found a package affected (the OSV matcher's answer). */
export interface AdvisoryHit {
  /** The advisory's id (the representative of merged aliases: GHSA before CVE). */
  id: string;
  aliases: string[];
  /** Versions that fix it (empty when none is known). */
  fixedVersions: string[];
  /** The OSV range or version list that matched ('>=2.13.0, <2.15.0 (ECOSYSTEM)'), and its OSV ecosystem. */
  constraint?: string | undefined;
  ecosystem?: string | undefined;
  severity?: string | undefined;
}

export interface QueryMatch {
  /** The SBOM file (as the user named it or found under a named directory). */
  sbom: string;
  /** 'cyclonedx-json@1.5', 'spdx-json@2.2', ... */
  format: string;
  subject: QuerySubject;
  package: string;
  version: string;
  purl?: string | undefined;
  type: string;
  locations: Location[];
  /** With --scope all-layers: a later layer deleted this package (hidden unless --include-deleted). */
  deleted?: boolean | undefined;
  /** `--advisory`: why this package is affected. */
  advisory?: AdvisoryHit | undefined;
  /**
   * `--advisory` candidates only, never printed: the package and the SBOM's distro as the OSV matcher reads them.
   */
  candidate?: { pkg: Package; distro?: LinuxRelease | undefined; owner?: Package | undefined } | undefined;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface QueryResult {
  query: QueryOptions;
  /** 'files' (scan) or the index back end ('sqlite'). */
  via: string;
  matches: QueryMatch[];
  /** SBOM files looked at (including those the pre-filter ruled out without parsing). */
  filesScanned: number;
  /** Files that were parsed in full. */
  filesParsed: number;
  filesMatched: number;
  /** Matches of packages a later layer deleted, left out of `matches` (without --include-deleted). */
  hiddenDeleted: number;
  /** Files under a named directory that are not SBOMs (do not change the exit code). */
  skipped: SkippedFile[];
  /** Paths the user named that could not be read as SBOMs (also in `incomplete`). */
  errors: SkippedFile[];
  warnings: string[];
  /**
   * Everything that could not be read (README "Completeness"): named paths, SBOM files under a named
   * directory that do not parse, directories that could not be listed, SBOMs that declare themselves
   * incomplete, and (with --db) what `index add` recorded as not read. "No match" over any of it is exit 3.
   */
  incomplete: Incomplete[];
}

export function subjectOf(s: SourceDescription): QuerySubject {
  const out: QuerySubject = { kind: s.kind, name: s.name, label: subjectLabel(s) };
  const digest = s.manifestDigest ?? s.repoDigests?.[0] ?? s.configDigest;
  if (digest) out.digest = digest;
  if (s.configDigest && s.configDigest !== digest) out.configDigest = s.configDigest;
  if (s.repoTags && s.repoTags.length > 0) out.tags = s.repoTags;
  if (s.repoDigests && s.repoDigests.length > 0) out.repoDigests = s.repoDigests;
  if (s.refName) out.refName = s.refName;
  if (s.transport) out.transport = s.transport;
  return out;
}

/** The label of a subject, also for one stored before labels were recorded. */
export function labelOf(s: QuerySubject): string {
  return s.label ?? subjectLabel({ name: s.name, repoTags: s.tags, refName: s.refName });
}

export function formatLabel(f: { id: string; version?: string | undefined }): string {
  return f.version ? `${f.id}@${f.version}` : f.id;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Order matches (stable for a given input): by subject, SBOM path, package name, version and first location,
 * so the copies of one package in one image sit together and in the same order every run.
 */
export function sortMatches(m: QueryMatch[]): QueryMatch[] {
  return m.sort(
    (a, b) =>
      cmp(labelOf(a.subject), labelOf(b.subject)) ||
      cmp(a.subject.digest ?? '', b.subject.digest ?? '') ||
      cmp(a.sbom, b.sbom) ||
      cmp(a.package, b.package) ||
      cmp(a.version, b.version) ||
      cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '') ||
      cmp(a.purl ?? '', b.purl ?? ''),
  );
}

/**
 * Leave out the matches of packages a later layer deleted (unless `includeDeleted`): they are not present
 * in the image. Returns how many were left out; `filesMatched` counts only SBOMs with a match left.
 */
export function hideDeleted(r: QueryResult, includeDeleted: boolean): void {
  if (includeDeleted) return;
  const kept = r.matches.filter((m) => m.deleted !== true);
  r.hiddenDeleted += r.matches.length - kept.length;
  r.matches = kept;
  r.filesMatched = new Set(kept.map((m) => m.sbom)).size;
}
