/**
 * Path handling inside an image root. Every path a source hands out is absolute and normalised
 * ('/usr/lib/os-release'); symlinks are resolved as the kernel does inside a container's root
 * (chroot semantics): absolute targets restart at the root, `..` at the root stays at the root,
 * so no resolution can ever leave the root.
 */

/** Symlink hops allowed in one resolution (Linux MAXSYMLINKS is 40). */
export const MAX_SYMLINK_HOPS = 40;

/** Split a path into its components, dropping empty and '.' parts (keeps '..'). */
export function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Normalise to an absolute path inside the root, resolving '..' lexically (clamped at the root).
 * Use only where symlinks do not matter (lookup keys, reporting).
 */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const c of splitPath(p)) {
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

export function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/**
 * Normalise a tar entry name of an image layer. Returns undefined for the root itself.
 * Throws (via `reject`) when the name is absolute or climbs above the root with '..'.
 */
export function normalizeEntryName(name: string, reject: (why: string) => never): string | undefined {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  if (n === '.' || n === '' || n === './') return undefined;
  if (n.startsWith('/')) reject(`absolute entry name '${name}'`);
  const out: string[] = [];
  for (const c of splitPath(n)) {
    if (c === '..') {
      if (out.length === 0) reject(`entry name '${name}' climbs out of the root with '..'`);
      out.pop();
    } else out.push(c);
  }
  if (out.length === 0) return undefined;
  return '/' + out.join('/');
}

/** What symlink resolution needs to know about a path. */
export interface PathInfo {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  linkTarget?: string;
}

/**
 * Resolve `path` inside the root, following symlinks (the last one too when `followLast`).
 * Returns the resolved absolute path, or undefined if a component is missing, not a directory,
 * or the links loop (more than MAX_SYMLINK_HOPS hops). Never leaves the root.
 */
export function resolveInRoot(
  lookup: (path: string) => PathInfo | undefined,
  path: string,
  followLast = true,
): string | undefined {
  const pending = splitPath(path).reverse(); // stack: next component at the end
  let cur: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const comp = pending.pop()!;
    if (comp === '..') {
      cur.pop();
      continue;
    }
    const candidate = '/' + [...cur, comp].join('/');
    const info = lookup(candidate);
    const isLast = pending.length === 0;
    if (info === undefined) return undefined;
    if (info.kind === 'symlink' && (!isLast || followLast)) {
      if (++hops > MAX_SYMLINK_HOPS) return undefined;
      const target = info.linkTarget ?? '';
      if (target.startsWith('/')) cur = [];
      const parts = splitPath(target);
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
      continue;
    }
    if (!isLast && info.kind !== 'dir') return undefined;
    cur.push(comp);
  }
  return '/' + cur.join('/');
}
