/**
 * How an SBOM's subject is named for people: one label that survives a fleet of SBOMs (registry
 * reference, the repo tag of a docker archive, the path of an OCI layout with its ref name), never a
 * bare ref name such as "latest" that many images share.
 */
import type { SourceDescription } from './model.js';

/**
 * Is `tag` a full image reference ('registry/repo:tag', 'repo:tag', 'repo@sha256:…') rather than a bare
 * OCI ref name ('latest', '1.0')? A bare ref name names an entry inside one layout, not an image.
 */
export function isFullReference(tag: string): boolean {
  return /[/:@]/.test(tag);
}

/** The transport prefixes custody's sources accept (`oci-dir:PATH`, `registry:REF`, ...). */
const TRANSPORT_PREFIX = /^(?:oci-dir|oci-archive|docker-archive|registry|dir):/;

/**
 * The subject as a responder reads it: a registry reference or repo tag when the SBOM records one,
 * else the name the user gave (an archive or layout path, without its transport prefix) with the OCI
 * ref name after it ('/images/app (ref latest)').
 */
export function subjectLabel(s: Pick<SourceDescription, 'name' | 'transport' | 'repoTags' | 'refName'>): string {
  const tag = s.repoTags?.find(isFullReference);
  if (tag !== undefined) return tag;
  const bare = s.name.replace(TRANSPORT_PREFIX, '');
  return s.refName !== undefined && s.refName !== '' ? `${bare} (ref ${s.refName})` : bare;
}

/** The last path segment of an image's repository ('127.0.0.1:5000/sbomtest/app:1.0' → 'app'); purl names use it. */
export function repositoryShortName(s: Pick<SourceDescription, 'name' | 'repoTags' | 'refName'>): string {
  const tag = s.repoTags?.find(isFullReference);
  const ref = tag ?? s.name.replace(TRANSPORT_PREFIX, '');
  const noDigest = ref.split('@')[0]!;
  const last = noDigest.split('/').filter((x) => x !== '').pop() ?? noDigest;
  // 'app:1.0' → 'app'; an archive file name 'app.tar' → 'app'.
  return (tag !== undefined ? last.replace(/:[^:]*$/, '') : last.replace(/\.(tar|tar\.gz|tgz)$/i, '')) || 'image';
}

/** The repository of an image's first full reference ('127.0.0.1:5000/sbomtest/app'), if any. */
export function repositoryOf(s: Pick<SourceDescription, 'repoTags'>): string | undefined {
  const tag = s.repoTags?.find(isFullReference);
  if (tag === undefined) return undefined;
  return tag.split('@')[0]!.replace(/:[^:/]*$/, '');
}
