/**
 * Installed Python distributions: `*.dist-info/METADATA` (wheels, core metadata
 * https://packaging.python.org/en/latest/specifications/core-metadata/), `*.egg-info/PKG-INFO` and
 * `*.egg-info` as a single file (setuptools/Debian), `EGG-INFO/PKG-INFO` of an egg unpacked into a
 * directory (https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html); zipped `.egg` files
 * are read by egg.ts. RFC 822-style headers up to the first blank line; continuation lines start with
 * whitespace. The globs are syft's (upper-case `DIST-INFO`/`EGG-INFO` included).
 */
import type { Location } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { textOf } from '../lang-common.js';
import { normalizePythonName, pythonPackage } from './common.js';

export const PYTHON_INSTALLED_GLOBS = ['**/*dist-info/METADATA', '**/*DIST-INFO/METADATA', '**/*egg-info/PKG-INFO', '**/*EGG-INFO/PKG-INFO', '**/*.egg-info'];

/** Headers of a METADATA/PKG-INFO file: key (lower-case) → every value, in order. */
export function parseMetadataHeaders(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: { key: string; idx: number } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      const arr = out.get(last.key)!;
      arr[last.idx] = `${arr[last.idx]}\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = undefined;
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const arr = out.get(key) ?? [];
    arr.push(line.slice(colon + 1).trim());
    out.set(key, arr);
    last = { key, idx: arr.length - 1 };
  }
  return out;
}

/** Trove licence classifiers whose SPDX id is certain. */
const CLASSIFIERS: Readonly<Record<string, string>> = {
  'MIT License': 'MIT',
  'Apache Software License': 'Apache-2.0',
  'BSD License': 'BSD',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'Python Software Foundation License': 'PSF-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Library or Lesser General Public License (LGPL)': 'LGPL',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Zope Public License': 'ZPL-2.1',
};

/** Licences: License-Expression (metadata 2.4), else a short License field, else licence classifiers. */
export function pythonLicenses(h: Map<string, string[]>): string[] {
  const expr = h.get('license-expression')?.[0];
  if (expr) return [expr];
  const lic = h.get('license')?.[0]?.trim();
  if (lic && lic !== 'UNKNOWN' && !lic.includes('\n') && lic.length <= 100) return [lic];
  const out: string[] = [];
  for (const c of h.get('classifier') ?? []) {
    const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c);
    if (!m || m[1] === 'OSI Approved') continue;
    const id = CLASSIFIERS[m[1]!.trim()];
    out.push(id ?? m[1]!.trim());
  }
  if (out.length === 0 && lic && lic !== 'UNKNOWN') out.push(lic.split('\n')[0]!.trim());
  return out;
}

export function parsePythonMetadata(file: CatalogFile, ctx: CatalogContext): ParseResult {
  return metadataPackages(textOf(file.contents), file.location, ctx);
}

/** The package a METADATA/PKG-INFO text describes, found at `location`. */
export function metadataPackages(text: string, location: Location, ctx: CatalogContext): ParseResult {
  const h = parseMetadataHeaders(text);
  const name = h.get('name')?.[0];
  const version = h.get('version')?.[0];
  if (!name) {
    ctx.warn('python metadata without Name; skipped', location);
    return { packages: [] };
  }
  // distutils' metadata of the interpreter itself (Debian's python2.7 ships lib-dynload/Python-2.7.egg-info):
  // the runtime, not a PyPI package; syft skips it too
  if (name === 'Python' && location.path.toLowerCase().includes('egg-info')) return { packages: [] };
  if (!version) {
    // a package is named but cannot be reported: the file was not read completely
    ctx.incomplete(`python metadata of ${JSON.stringify(name)} without Version; skipped`, location);
    return { packages: [] };
  }
  const metadata: Record<string, unknown> = { normalizedName: normalizePythonName(name) };
  const requires = h.get('requires-dist');
  if (requires && requires.length > 0) metadata.requiresDist = requires;
  const home = h.get('home-page')?.[0];
  if (home) metadata.homepage = home;
  const mv = h.get('metadata-version')?.[0];
  if (mv) metadata.metadataVersion = mv;
  const author = h.get('author')?.[0] || h.get('author-email')?.[0];
  return {
    packages: [
      pythonPackage({
        name,
        version,
        location,
        foundBy: 'python-installed-cataloger',
        licenses: pythonLicenses(h),
        description: h.get('summary')?.[0],
        supplier: author,
        metadata,
      }),
    ],
  };
}
