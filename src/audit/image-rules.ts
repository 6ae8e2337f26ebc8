/**
 * The `images:` rules of a policy, on the reference as written (no network):
 * requireDigest (the guide's Kyverno rule), forbidLatest (its Gatekeeper rule), allowedRegistries.
 */
import picomatch from 'picomatch';
import type { AuditCheck } from './model.js';
import type { AuditPolicy } from './policy.js';

export interface WrittenRef {
  /** registry/repository as normalised (docker.io/library/nginx). */
  repository: string;
  /** The tag as written; undefined when the reference has none. */
  tag?: string;
  digest?: string;
}

/**
 * What the reference says literally: Kubernetes defaults a tag-less image to :latest, and the
 * Gatekeeper rule treats "no tag" as a violation of its own, so we keep the written form.
 */
export function writtenRef(image: string, parsed: { registry: string; repository: string; tag?: string; digest?: string }): WrittenRef {
  const noDigest = image.split('@')[0] ?? image;
  const lastSlash = noDigest.lastIndexOf('/');
  const hasTag = noDigest.slice(lastSlash + 1).includes(':');
  const out: WrittenRef = { repository: `${parsed.registry}/${parsed.repository}` };
  if (hasTag && parsed.tag !== undefined) out.tag = parsed.tag;
  if (parsed.digest !== undefined) out.digest = parsed.digest;
  return out;
}

/** Glob match of registry patterns against `registry/repository` (also `registry/repository:tag`). */
export function registryAllowed(patterns: readonly string[], ref: WrittenRef): boolean {
  const candidates = [ref.repository, ...(ref.tag ? [`${ref.repository}:${ref.tag}`] : [])];
  return patterns.some((p) => {
    const isMatch = picomatch(p, { dot: true });
    // 'ghcr.io/myorg' (no glob) means everything under it too.
    return candidates.some((c) => isMatch(c) || (!/[*?[\]{}]/.test(p) && (c === p || c.startsWith(`${p.replace(/\/$/, '')}/`))));
  });
}

export function checkImageRules(image: string, ref: WrittenRef, policy: AuditPolicy): AuditCheck[] {
  const checks: AuditCheck[] = [];
  const p = policy.images;
  if (p.requireDigest) {
    checks.push(
      ref.digest
        ? { rule: 'images.requireDigest', status: 'pass', detail: `pinned to ${ref.digest}` }
        : { rule: 'images.requireDigest', status: 'fail', detail: `${image} is not pinned to a digest (@sha256:...)` },
    );
  }
  if (p.forbidLatest) {
    if (ref.tag === undefined && ref.digest === undefined) {
      checks.push({ rule: 'images.forbidLatest', status: 'fail', detail: `${image} has no tag: pin to a specific version` });
    } else if (ref.tag === 'latest') {
      checks.push({ rule: 'images.forbidLatest', status: 'fail', detail: `${image} uses :latest: pin to a specific version` });
    } else {
      checks.push({ rule: 'images.forbidLatest', status: 'pass', detail: ref.tag ? `tag ${ref.tag}` : 'pinned by digest' });
    }
  }
  if (p.allowedRegistries.length > 0) {
    checks.push(
      registryAllowed(p.allowedRegistries, ref)
        ? { rule: 'images.allowedRegistries', status: 'pass', detail: `${ref.repository} is allowed` }
        : { rule: 'images.allowedRegistries', status: 'fail', detail: `${ref.repository} is not in allowedRegistries (${p.allowedRegistries.join(', ')})` },
    );
  }
  return checks;
}

/**
 * The `images:` rules for a local image (an OCI layout, an image archive, a directory). They are written for
 * registry references, so each says what it means here, failing closed where it cannot be checked:
 * requireDigest passes when the image is read at a digest (it is content, not a tag that can move) and fails
 * for a directory (no digest); forbidLatest looks at the tags the layout or archive records; allowedRegistries
 * cannot be met by an image that came from no registry, so it fails.
 */
export function checkLocalImageRules(image: string, local: { digest?: string; tags: readonly string[]; transport: string }, policy: AuditPolicy): AuditCheck[] {
  const checks: AuditCheck[] = [];
  const p = policy.images;
  if (p.requireDigest) {
    checks.push(
      local.digest !== undefined
        ? { rule: 'images.requireDigest', status: 'pass', detail: `a local ${local.transport} image, audited at ${local.digest}` }
        : { rule: 'images.requireDigest', status: 'fail', detail: `${image} is a directory: it has no digest to pin (cannot apply to a local ${local.transport} source)` },
    );
  }
  if (p.forbidLatest) {
    const latest = local.tags.filter((t) => t === 'latest' || t.endsWith(':latest'));
    checks.push(
      latest.length > 0
        ? { rule: 'images.forbidLatest', status: 'fail', detail: `${image} is tagged ${latest.join(', ')}: pin to a specific version` }
        : { rule: 'images.forbidLatest', status: 'pass', detail: local.tags.length > 0 ? `tags ${local.tags.join(', ')}` : `a local ${local.transport} image, read by content` },
    );
  }
  if (p.allowedRegistries.length > 0) {
    checks.push({
      rule: 'images.allowedRegistries',
      status: 'fail',
      detail: `cannot apply to a local ${local.transport} image: it comes from no registry, so it is not from one of ${p.allowedRegistries.join(', ')}`,
    });
  }
  return checks;
}
