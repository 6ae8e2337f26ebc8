/**
 * Image references as docker/distribution parses them: `[host[:port]/]path[:tag][@digest]`.
 * A first component without a dot, a port or 'localhost' is a Docker Hub path (docker.io/library/x).
 */
import { UsageError } from '../core/errors.js';
import { isDigest } from './image/manifest.js';

export interface ImageRef {
  /** Registry host as written ('ghcr.io', '127.0.0.1:5000', 'docker.io'). */
  registry: string;
  /** Repository path ('library/alpine', 'sbomtest/app'). */
  repository: string;
  tag?: string;
  digest?: string;
}

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function parseImageRef(text: string): ImageRef {
  const bad = (why: string): never => {
    throw new UsageError('SOURCE_BAD_REFERENCE', `cannot read the image reference '${text}' (${why})`, {
      hint: 'write it as host[:port]/repository[:tag][@sha256:digest], e.g. registry:127.0.0.1:5000/app:1.0',
    });
  };
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) bad('the digest is not sha256:<64 hex>');
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    rest = rest.slice(slash + 1);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) bad('the tag has characters tags cannot have');
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  if (!REPO_RE.test(rest)) bad('the repository name must be lower-case letters, digits and . _ - /');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository: rest, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

export function formatImageRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.tag === undefined ? '' : `:${r.tag}`}${r.digest === undefined ? '' : `@${r.digest}`}`;
}

/** The host to talk to (Docker Hub's API lives on registry-1.docker.io). */
export function apiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}
