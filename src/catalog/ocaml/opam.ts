/**
 * opam package files (https://opam.ocaml.org/doc/Manual.html#opam), read with opam-syntax.ts:
 * - `<name>.opam` (a project's own, often written by dune) and an `opam` file in a project directory:
 *   the project itself, reported as the package it describes and marked `metadata.project: root`; its
 *   version is the `version:` field, empty when there is none (dune writes none unless the project
 *   names one);
 * - `<name>.<version>/opam`: a package of an opam repository or of a switch's `.opam-switch/packages/`,
 *   named and versioned by its directory, as syft reads it: an installed or published package.
 * A file without `opam-version:` is not an opam file (nothing reported, a warning: other files are named
 * `opam` too, such as bash completion's); one that holds NUL bytes (an `opam` executable) is skipped
 * silently; a file with `opam-version:` that does not parse is incomplete. `license` → licences, `url { src checksum }` →
 * metadata and hashes, `homepage` and the names `depends` lists (constraints dropped) → metadata.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { baseOf, dirOf, langPackage, projectMetadata, purlOrUndefined, textOf } from '../lang-common.js';
import { opamStrings, parseOpamItems } from './opam-syntax.js';

const CATALOGER = 'ocaml-opam-cataloger';
const MAX_BYTES = 4 * 1024 * 1024;
/** opam package names: letters, digits, `_`, `-` and `+`, at least one letter. */
const NAME = /^[A-Za-z0-9_+-]*[A-Za-z][A-Za-z0-9_+-]*$/;
const VERSION = /^[A-Za-z0-9_+.~-]+$/;
const HASHES: Record<string, string> = { md5: 'MD5', sha256: 'SHA-256', sha512: 'SHA-512' };

export function parseOpamFile(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.includes(0)) return { packages: [] };
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`opam file is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  const text = textOf(file.contents);
  let items;
  try {
    items = parseOpamItems(text);
  } catch (err) {
    // a file that says it is one and does not parse may hide a package; any other file named `opam`
    // (bash completion's /usr/share/bash-completion/completions/opam, a script) is not one
    if (/^\s*opam-version\s*:/m.test(text)) throw new Error(`opam file does not parse: ${(err as Error).message}`, { cause: err });
    ctx.warn(`not an opam file (${(err as Error).message}, no opam-version field); ignored`, file.location);
    return { packages: [] };
  }
  const field = (k: string): string | undefined => opamStrings(items.fields.get(k))[0];
  if (field('opam-version') === undefined) {
    ctx.warn('no opam-version field: not an opam package file; ignored', file.location);
    return { packages: [] };
  }
  const path = file.location.path;
  const base = baseOf(path);
  let name: string | undefined;
  let version = field('version') ?? '';
  let project = true;
  if (base === 'opam') {
    const dir = /^([A-Za-z0-9_+-]+)\.([A-Za-z0-9_+.~-]+)$/.exec(baseOf(dirOf(path)));
    if (dir) {
      // opam's layout: packages/<name>.<version>/opam (a repository, a switch's installed packages)
      [, name, version] = dir as unknown as [string, string, string];
      project = false;
    } else name = field('name') ?? baseOf(dirOf(path));
  } else name = base.slice(0, -'.opam'.length) || field('name');
  if (!name || !NAME.test(name)) {
    ctx.incomplete(`opam file names no valid package (${JSON.stringify((name ?? '').slice(0, 60))})`);
    return { packages: [] };
  }
  if (version !== '' && !VERSION.test(version)) {
    ctx.warn(`opam package ${name}: version ${JSON.stringify(version.slice(0, 60))} is not an opam version; reported without one`, file.location);
    version = '';
  }
  const metadata: Record<string, unknown> = {};
  const homepage = field('homepage');
  if (homepage) metadata.homepage = homepage;
  const depends = opamStrings(items.fields.get('depends')).filter((d) => NAME.test(d));
  if (depends.length > 0) metadata.depends = [...new Set(depends)].slice(0, 1000);
  const hashes: Record<string, string> = {};
  const url = items.sections.get('url')?.[0];
  if (url) {
    const src = opamStrings(url.get('src'))[0] ?? opamStrings(url.get('archive'))[0];
    if (src) metadata.url = src;
    const checksums = opamStrings(url.get('checksum'));
    if (checksums.length > 0) metadata.checksums = checksums.slice(0, 16);
    for (const c of checksums) {
      const m = /^(md5|sha256|sha512)=([0-9a-f]+)$/i.exec(c);
      if (m) hashes[HASHES[m[1]!.toLowerCase()]!] = m[2]!.toLowerCase();
    }
  }
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'opam',
        purl: purlOrUndefined({ type: 'opam', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        licenses: opamStrings(items.fields.get('license')),
        hashes,
        metadata: project ? projectMetadata('root', metadata) : metadata,
      }),
    ],
  };
}
