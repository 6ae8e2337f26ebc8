/**
 * pip requirements files (`*requirements*.txt`: `requirements-dev.txt`, `dev-requirements.txt`,
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/): one requirement per logical
 * line (a trailing `\` continues it), `#` comments (at the start or after whitespace), options.
 *
 * What becomes a package: a PEP 508 requirement pinned to one version (`name[extras] == 1.2.3` or
 * `=== 1.2.3`, with or without environment markers, per-requirement options or `--hash`), and a
 * wheel or sdist named by URL or path (`pkg-1.2.3-py3-none-any.whl`, `pkg @ https://…/pkg-1.2.3.tar.gz`,
 * whose file names carry the version: https://packaging.python.org/en/latest/specifications/binary-distribution-format/).
 *
 * Every other line says why it is not one, naming the line:
 * - a requirement that declares no single version (a range, a wildcard, no specifier, a VCS or URL
 *   reference without a version, an editable VCS checkout, a variable): the line was read and says
 *   what it says, so it is a warning per line, not incompleteness (a requirements file declares a
 *   build's intent; a dir scan of an ordinary unpinned file must not fail closed on every run);
 * - a line custody cannot parse as a requirement may hide a package: one `incomplete` entry for the
 *   file naming those lines;
 * - options (`-r`/`-c` files custody does not follow, unknown options) and local project paths
 *   (`.`, `-e ./lib`: the project itself, as uv's editable entries) lose no package: a warning;
 * - pip's install options (`--index-url`, `--hash`, `--pre`, …) and comments: nothing.
 * Files with a UTF-16 byte-order mark (Windows editors write them) are decoded as UTF-16.
 */
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { textOf } from '../lang-common.js';
import { pythonPackage } from './common.js';

const CATALOGER = 'python-lock-cataloger';

/** PEP 508 names. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** Characters of a PEP 440 version (public and local parts, epoch, wildcard). */
const VERSION_CHARS = /^[A-Za-z0-9.!+_-]+$/;

/** pip options that only change how packages are fetched or installed. */
const INSTALL_OPTIONS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '--no-index',
  '-f',
  '--find-links',
  '--pre',
  '--trusted-host',
  '--prefer-binary',
  '--require-hashes',
  '--only-binary',
  '--no-binary',
  '--use-feature',
  '--hash',
  '--config-settings',
  '--global-option',
  '--install-option',
  '--progress-bar',
  '--no-build-isolation',
]);

/** Bytes → text; UTF-16 with a byte-order mark as well as UTF-8. */
function decode(b: Buffer): string {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const le = Buffer.from(b.subarray(2, b.length - (b.length % 2)));
    le.swap16();
    return le.toString('utf16le');
  }
  return textOf(b);
}

/** URLs without their user-info (`https://user:token@host/…` → `https://***@host/…`): never print or keep credentials. */
export function redactUrlCredentials(s: string): string {
  return s.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/** Logical lines: continuations joined, comments removed; `line` is where each starts (1-based). */
export function requirementLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    // pip strips comments first: '#' at the start or after whitespace (URL fragments like #egg= stay)
    let t = raw.replace(/(^|\s)#.*$/, '');
    const continued = /\\$/.test(t);
    if (continued) t = t.slice(0, -1);
    if (pending) pending.text += ` ${t}`;
    else pending = { line: i + 1, text: t };
    if (!continued) {
      pending.text = pending.text.trim();
      if (pending.text !== '') out.push(pending);
      pending = undefined;
    }
  });
  if (pending && pending.text.trim() !== '') out.push({ line: pending.line, text: pending.text.trim() });
  return out;
}

/**
 * Name and version from a wheel or sdist file name at the end of a URL or path
 * (`requests-2.31.0-py3-none-any.whl`, `python-dateutil-2.8.2.tar.gz`); undefined otherwise.
 */
export function distributionFileName(ref: string): { name: string; version: string } | undefined {
  const base = ref.replace(/[#?].*$/, '').replace(/\/+$/, '');
  const file = base.slice(base.lastIndexOf('/') + 1);
  const wheel = /^([A-Za-z0-9._]+?)-([0-9][A-Za-z0-9.!+_]*)(?:-[0-9][^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i.exec(file);
  if (wheel) return { name: wheel[1]!, version: wheel[2]! };
  const sdist = /^(.+?)-([0-9][A-Za-z0-9.!+_]*)\.(?:tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i.exec(file);
  if (sdist && NAME.test(sdist[1]!)) return { name: sdist[1]!, version: sdist[2]! };
  return undefined;
}

type Outcome =
  | { kind: 'package'; name: string; version: string; markers?: string; url?: string }
  | { kind: 'unresolved'; why: string }
  | { kind: 'note'; why: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'ignore' };

const isLocalPath = (s: string): boolean => /^(\.{1,2}(\/|$)|\/|~|file:)/.test(s) && !distributionFileName(s);
const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^(git|hg|svn|bzr)\+/i.test(s);

/** One logical line → what it is. */
export function classifyRequirement(text: string): Outcome {
  if (text.startsWith('-')) {
    const m = /^(-[A-Za-z]|--[A-Za-z-]+)(?:[=\s]+(.*))?$/.exec(text);
    const opt = m?.[1] ?? text.split(/\s/)[0]!;
    const arg = (m?.[2] ?? '').trim();
    if (opt === '-e' || opt === '--editable') {
      if (isLocalPath(arg) || arg === '') return { kind: 'note', why: `editable local project ${JSON.stringify(arg)} is not a registry package` };
      return { kind: 'unresolved', why: `editable checkout ${JSON.stringify(arg)} has no version` };
    }
    if (opt === '-r' || opt === '--requirement' || opt === '-c' || opt === '--constraint') {
      return { kind: 'note', why: `${opt} ${arg}: that file is read only when it is itself a requirements*.txt` };
    }
    if (INSTALL_OPTIONS.has(opt)) return { kind: 'ignore' };
    return { kind: 'note', why: `option ${JSON.stringify(opt)} is not a requirement` };
  }
  if (/\$\{[A-Za-z_]/.test(text)) return { kind: 'unresolved', why: 'uses an environment variable custody cannot expand' };
  // a URL or path on its own: a wheel/sdist file names the package and its version
  const ref = text.split(/\s+/)[0]!;
  if (isUrl(ref) || isLocalPath(ref) || /\.(whl|tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/i.test(ref)) {
    const dist = distributionFileName(ref);
    if (dist) return { kind: 'package', ...dist, url: ref };
    if (isLocalPath(ref)) return { kind: 'note', why: `local project ${JSON.stringify(ref)} is not a registry package` };
    return { kind: 'unresolved', why: `${ref.includes('#egg=') ? 'VCS or URL reference' : 'URL'} without a version` };
  }
  // PEP 508: name [extras] (specifiers | @ url) [; markers], then per-requirement options
  const withoutOptions = text.replace(/\s--?[A-Za-z][\w-]*(?:[=\s]\S+)?/g, '').trim();
  const semi = withoutOptions.search(/;(?![^[]*\])/);
  const spec = (semi >= 0 ? withoutOptions.slice(0, semi) : withoutOptions).trim();
  const markers = semi >= 0 ? withoutOptions.slice(semi + 1).trim() : undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(spec);
  if (!m || !NAME.test(m[1]!)) return { kind: 'unreadable', why: 'is not a requirement custody can parse' };
  const name = m[1]!;
  let rest = m[3]!.trim();
  let url: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0 && !/^[=<>!~]/.test(rest.slice(at + 1).trim())) {
    url = rest.slice(at + 1).trim();
    rest = rest.slice(0, at).trim();
  }
  // 'Jinja2==3.0.0#comment': not a comment to pip (no whitespace before '#'), but a version holds no '#' (trivy reads it the same way)
  rest = rest.replace(/#.*$/, '').trim();
  const pinned = /^===?\s*([^\s,;]+)$/.exec(rest);
  if (pinned && !rest.startsWith('====')) {
    const version = pinned[1]!;
    if (version.includes('*')) return { kind: 'unresolved', why: `wildcard ${JSON.stringify(rest)} is not one version` };
    if (!VERSION_CHARS.test(version)) return { kind: 'unresolved', why: `${JSON.stringify(version)} is not a version` };
    return { kind: 'package', name, version, ...(markers ? { markers } : {}), ...(url ? { url } : {}) };
  }
  if (rest === '' && url !== undefined) {
    const dist = distributionFileName(url);
    if (dist) return { kind: 'package', name, version: dist.version, ...(markers ? { markers } : {}), url };
    return { kind: 'unresolved', why: `direct reference ${JSON.stringify(url)} has no version` };
  }
  if (rest === '') return { kind: 'unresolved', why: 'has no version specifier' };
  return { kind: 'unresolved', why: `${JSON.stringify(rest)} is not pinned to one version (== or ===)` };
}

export function parseRequirements(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const packages: Package[] = [];
  const unreadable: number[] = [];
  for (const { line, text: raw } of requirementLines(decode(file.contents))) {
    const text = redactUrlCredentials(raw);
    const o = classifyRequirement(text);
    const shown = JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
    if (o.kind === 'package') {
      const metadata: Record<string, unknown> = { line };
      if (o.markers) metadata.markers = o.markers;
      if (o.url) metadata.url = o.url;
      packages.push(pythonPackage({ name: o.name, version: o.version, location: file.location, foundBy: CATALOGER, metadata }));
    } else if (o.kind === 'unresolved') {
      ctx.warn(`line ${line} ${shown}: ${o.why}; not reported`, file.location);
    } else if (o.kind === 'unreadable') {
      unreadable.push(line);
      ctx.warn(`line ${line} ${shown}: ${o.why}`, file.location);
    } else if (o.kind === 'note') ctx.warn(`line ${line} ${shown}: ${o.why}; ignored`, file.location);
  }
  if (unreadable.length > 0) {
    const lines = unreadable.length > 20 ? `${unreadable.slice(0, 20).join(', ')}, …` : unreadable.join(', ');
    ctx.incomplete(`${unreadable.length} line${unreadable.length === 1 ? '' : 's'} not readable as requirements (line${unreadable.length === 1 ? '' : 's'} ${lines})`, file.location);
  }
  return { packages };
}
