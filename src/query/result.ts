/** The result of `sbom query` (file scan or index): plain data, rendered by report/human/query.ts. */
import type { Location, SourceDescription } from '../sbom/model.js';
import type { QueryOptions } from './match.js';

export interface QuerySubject {
  kind: SourceDescription['kind'];
  name: string;
  digest?: string | undefined;
  tags?: string[] | undefined;
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
  /** Files under a named directory that are not SBOMs (do not change the exit code). */
  skipped: SkippedFile[];
  /** Paths the user named that could not be read at all (exit 3). */
  errors: SkippedFile[];
  warnings: string[];
}

export function subjectOf(s: SourceDescription): QuerySubject {
  const out: QuerySubject = { kind: s.kind, name: s.name };
  const digest = s.manifestDigest ?? s.repoDigests?.[0] ?? s.configDigest;
  if (digest) out.digest = digest;
  if (s.repoTags && s.repoTags.length > 0) out.tags = s.repoTags;
  return out;
}

export function formatLabel(f: { id: string; version?: string | undefined }): string {
  return f.version ? `${f.id}@${f.version}` : f.id;
}

/** Order matches: by SBOM path, then package name, version. */
export function sortMatches(m: QueryMatch[]): QueryMatch[] {
  return m.sort((a, b) => (a.sbom < b.sbom ? -1 : a.sbom > b.sbom ? 1 : a.package < b.package ? -1 : a.package > b.package ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}
