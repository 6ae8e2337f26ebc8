/**
 * apk's installed database (https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2):
 * blank-line separated records of `X:value` lines; P name, V version, A arch, L licence,
 * o origin (source package), m maintainer, T description, U url, D depends, p provides.
 */
import { buildPurl } from '../../core/ecosystem.js';
import { isSpdxExpression, normalizeLicense } from '../../core/license.js';
import { packageId } from '../../sbom/ids.js';
import type { Package, Relationship } from '../../sbom/model.js';
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { distroQualifier } from '../os-release.js';

const MAX_RECORDS = 200_000;
/** At most this many installed files per record (for the runner's ownership rules). */
const MAX_OWNED_FILES = 500_000;

type ApkRecord = Map<string, string[]>;

/**
 * Under this key (never a one-letter field name) a record keeps the files it installed: each `R:`
 * file joined to the `F:` directory before it (`F:usr/bin` + `R:busybox` → `/usr/bin/busybox`).
 */
export const APK_FILES = 'files';
/** Under this key a record keeps its lines that are no `X:value` field (a corrupt database). */
export const BAD_LINES = 'bad';

/** Records of the installed db: each key maps to all its values in order (F/R repeat), plus {@link APK_FILES}. */
export function parseApkRecords(text: string): ApkRecord[] {
  const out: ApkRecord[] = [];
  let cur: ApkRecord = new Map();
  let dir = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (cur.size > 0) out.push(cur);
      cur = new Map();
      dir = '';
      if (out.length >= MAX_RECORDS) break;
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      // not a `X:value` field: the record may have lost a field (counted under BAD_LINES)
      cur.set(BAD_LINES, [...(cur.get(BAD_LINES) ?? []), line.slice(0, 80)]);
      continue;
    }
    const key = line[0]!;
    const value = line.slice(2);
    const list = cur.get(key);
    if (list) list.push(value);
    else cur.set(key, [value]);
    if (key === 'F') dir = value.replace(/^\/+|\/+$/g, '');
    else if (key === 'R' && value !== '') {
      const files = cur.get(APK_FILES) ?? [];
      if (files.length < MAX_OWNED_FILES) files.push(dir === '' ? `/${value}` : `/${dir}/${value}`);
      cur.set(APK_FILES, files);
    }
  }
  if (cur.size > 0) out.push(cur);
  return out;
}

/**
 * apk licence fields are SPDX expressions ("MIT AND BSD-2-Clause") or, in older packages, a
 * space-separated list ("MIT BSD"); a list is reported as separate licences, not joined by a guess.
 */
export function apkLicenses(field: string | undefined): string[] {
  if (field === undefined || field.trim() === '') return [];
  const t = field.trim();
  if (isSpdxExpression(t)) return [t];
  const whole = normalizeLicense(t);
  if (whole !== t || !/\s/.test(t)) return [whole];
  return [...new Set(t.split(/\s+/).map((p) => normalizeLicense(p)))];
}

/** Package names in a D:/p: field ("so:libc.musl-x86_64.so.1 busybox>=1.36 !foo") without versions. */
function names(field: string | undefined): string[] {
  if (field === undefined) return [];
  return field
    .split(/\s+/)
    .filter((t) => t !== '' && !t.startsWith('!'))
    .map((t) => t.split(/[<>=~]/)[0]!)
    .filter((t) => t !== '');
}

export function parseApkInstalled(file: CatalogFile, ctx: CatalogContext): ParseResult {
  const records = parseApkRecords(file.contents.toString('utf8'));
  const distro = distroQualifier(ctx.distro);
  const namespace = ctx.distro?.id ?? 'alpine';
  const packages: Package[] = [];
  const deps = new Map<Package, string[]>();
  const provides = new Map<string, Package>();
  const ownedFiles = new Map<Package, readonly string[]>();
  for (const r of records) {
    const name = r.get('P')?.[0]?.trim();
    const version = r.get('V')?.[0]?.trim();
    const bad = r.get(BAD_LINES);
    if (bad !== undefined) ctx.incomplete(`${bad.length} line(s) that are no "X:value" field in the record of ${name ?? 'an unnamed package'} (${JSON.stringify(bad[0])})`);
    if (bad !== undefined && r.size === 1) continue;
    if (!name || /\s/.test(name)) {
      ctx.incomplete('a record without a valid P: (name) line');
      continue;
    }
    if (!version) {
      ctx.incomplete(`package ${name} has no V: (version) line`);
      continue;
    }
    const arch = r.get('A')?.[0]?.trim() ?? '';
    const origin = r.get('o')?.[0]?.trim();
    const purl = buildPurl({
      type: 'apk',
      namespace,
      name,
      version,
      qualifiers: { arch, ...(distro ? { distro } : {}), ...(origin && origin !== name ? { upstream: origin } : {}) },
    });
    const metadata: Record<string, unknown> = { origin: origin ?? name };
    if (arch) metadata.architecture = arch;
    const url = r.get('U')?.[0];
    if (url) metadata.url = url;
    const checksum = r.get('C')?.[0];
    if (checksum) metadata.checksum = checksum;
    const pkg: Package = {
      id: '',
      name,
      version,
      type: 'apk',
      purl,
      licenses: apkLicenses(r.get('L')?.[0]),
      locations: [{ ...file.location }],
      foundBy: ['apk-db-cataloger'],
      metadata,
    };
    const description = r.get('T')?.[0]?.trim();
    if (description) pkg.description = description;
    const maintainer = r.get('m')?.[0]?.trim();
    if (maintainer) pkg.supplier = maintainer;
    pkg.id = packageId(pkg);
    packages.push(pkg);
    const files = r.get(APK_FILES) ?? [];
    if (files.length >= MAX_OWNED_FILES) ctx.warn(`package ${name} lists more than ${MAX_OWNED_FILES} files; the rest are not used for ownership`, file.location);
    ownedFiles.set(pkg, files);
    deps.set(pkg, names(r.get('D')?.[0]));
    for (const p of names(r.get('p')?.[0])) if (!provides.has(p)) provides.set(p, pkg);
  }
  for (const p of packages) provides.set(p.name, p);
  const relationships: Relationship[] = [];
  for (const [p, ds] of deps) {
    for (const d of ds) {
      const t = provides.get(d);
      if (t && t !== p) relationships.push({ from: p.id, to: t.id, type: 'depends-on' });
    }
  }
  return { packages, relationships, ownedFiles };
}
